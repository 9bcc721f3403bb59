package io.relata.tck;

import io.relata.testing.TestDatabase;

class PostgresJoinsIntegrationTests extends JoinsTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
