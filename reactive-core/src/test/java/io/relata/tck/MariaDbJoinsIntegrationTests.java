package io.relata.tck;

import io.relata.testing.TestDatabase;

class MariaDbJoinsIntegrationTests extends JoinsTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
