package io.relata.tck;

import io.relata.testing.TestDatabase;

class MariaDbMigrationIntegrationTests extends MigrationTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
