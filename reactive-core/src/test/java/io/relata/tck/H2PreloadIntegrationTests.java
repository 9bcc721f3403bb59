package io.relata.tck;

import io.relata.testing.TestDatabase;

class H2PreloadIntegrationTests extends PreloadTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
