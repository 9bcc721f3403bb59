package io.relata.tck;

import io.relata.testing.TestDatabase;

class PostgresCrudIntegrationTests extends CrudTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }
}
