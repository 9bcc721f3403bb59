package io.relata.tck;

import io.relata.testing.TestDatabase;

class H2CrudIntegrationTests extends CrudTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
