package io.relata.tck;

import io.relata.testing.TestDatabase;

class MariaDbPreloadIntegrationTests extends PreloadTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
