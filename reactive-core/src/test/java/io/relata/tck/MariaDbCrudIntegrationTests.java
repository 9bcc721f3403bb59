package io.relata.tck;

import io.relata.testing.TestDatabase;

class MariaDbCrudIntegrationTests extends CrudTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
