package io.relata.tck;

import io.relata.testing.TestDatabase;

class H2MigrationIntegrationTests extends MigrationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
