package io.relata.tck;

import io.relata.testing.TestDatabase;

class PostgresAssociationIntegrationTests extends AssociationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
