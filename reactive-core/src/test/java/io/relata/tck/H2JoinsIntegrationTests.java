package io.relata.tck;

import io.relata.testing.TestDatabase;

class H2JoinsIntegrationTests extends JoinsTck {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
