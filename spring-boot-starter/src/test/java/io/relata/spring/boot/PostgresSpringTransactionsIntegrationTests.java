package io.relata.spring.boot;

import io.relata.testing.TestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SpringTransactionsTck} on PostgreSQL. */
class PostgresSpringTransactionsIntegrationTests extends SpringTransactionsTck {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        database(registry, TestDatabase.POSTGRES);
    }
}
