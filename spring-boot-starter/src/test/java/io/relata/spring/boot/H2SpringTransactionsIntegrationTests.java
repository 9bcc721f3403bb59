package io.relata.spring.boot;

import io.relata.testing.TestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SpringTransactionsTck} on embedded H2. */
class H2SpringTransactionsIntegrationTests extends SpringTransactionsTck {

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry registry) {
        database(registry, TestDatabase.H2);
    }
}
