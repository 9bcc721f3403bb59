package io.relata.examples.web;

import io.relata.testing.TestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link WebAppTck} on embedded H2. */
class H2WebAppIntegrationTests extends WebAppTck {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        database(registry, TestDatabase.H2);
    }
}
