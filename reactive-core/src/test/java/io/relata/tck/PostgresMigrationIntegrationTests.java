package io.relata.tck;

import io.relata.testing.TestDatabase;

class PostgresMigrationIntegrationTests extends MigrationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
