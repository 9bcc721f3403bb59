package io.relata.examples.web;

import io.relata.testing.TestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link WebAppTck} on PostgreSQL. */
class PostgresWebAppIntegrationTests extends WebAppTck {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        database(registry, TestDatabase.POSTGRES);
    }
}
