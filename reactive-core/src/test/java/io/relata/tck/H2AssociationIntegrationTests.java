package io.relata.tck;

import io.relata.testing.TestDatabase;

class H2AssociationIntegrationTests extends AssociationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
