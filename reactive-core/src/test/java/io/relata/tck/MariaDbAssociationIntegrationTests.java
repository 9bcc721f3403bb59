package io.relata.tck;

import io.relata.testing.TestDatabase;

class MariaDbAssociationIntegrationTests extends AssociationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
