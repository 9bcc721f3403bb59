package io.relata.tck;

import io.relata.testing.TestDatabase;

class PostgresPreloadIntegrationTests extends PreloadTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
