package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL each dialect renders for statement timeouts and for stopping a statement, and the errors it recognises. */
class TimeoutCapabilitiesUnitTests {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void sessionTimeoutsAreInEachDatabasesUnit() {
        assertThat(Dialects.postgres().sessionStatementTimeout(FIVE_SECONDS)).contains("SET statement_timeout = 5000");
        assertThat(Dialects.mariadb().sessionStatementTimeout(FIVE_SECONDS))
                .contains("SET SESSION max_statement_time = 5.000");
        assertThat(Dialects.mariadb().sessionStatementTimeout(Duration.ofMillis(1)))
                .contains("SET SESSION max_statement_time = 0.001");
        assertThat(Dialects.h2().sessionStatementTimeout(FIVE_SECONDS)).contains("SET QUERY_TIMEOUT 5000");
    }

    @Test
    void onlyPostgresScopesATimeoutToATransaction() {
        assertThat(Dialects.postgres().transactionStatementTimeout(Duration.ofMillis(250)))
                .contains("SET LOCAL statement_timeout = 250");
        assertThat(Dialects.mariadb().transactionStatementTimeout(FIVE_SECONDS)).isEmpty();
        assertThat(Dialects.h2().transactionStatementTimeout(FIVE_SECONDS)).isEmpty();
    }

    @Test
    void timeoutsThatCannotBeWrittenExactlyAreRejected() {
        for (Dialect d : List.of(Dialects.postgres(), Dialects.mariadb(), Dialects.h2())) {
            for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofNanos(1_500_000),
                    Duration.ofMillis(Integer.MAX_VALUE + 1L), Duration.ofSeconds(Long.MAX_VALUE))) {
                assertThatThrownBy(() -> d.sessionStatementTimeout(bad)).as(d.name() + " " + bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("whole number of milliseconds");
                assertThatThrownBy(() -> d.transactionStatementTimeout(bad)).as(d.name() + " " + bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(d.sessionStatementTimeout(Duration.ofMillis(Integer.MAX_VALUE))).isPresent();
        }
    }

    @Test
    void statementsAreStoppedFromASecondConnectionWithTheIdBound() {
        assertThat(Dialects.postgres().statementCancel()).contains(
                new StatementCancel("SELECT pg_backend_pid()", "SELECT pg_cancel_backend($1)"));
        assertThat(Dialects.mariadb().statementCancel()).contains(
                new StatementCancel("SELECT CONNECTION_ID()", "KILL QUERY ?"));
        assertThat(Dialects.h2().statementCancel()).contains(
                new StatementCancel("SELECT SESSION_ID()", "CALL CANCEL_SESSION($1)"));
    }

    @Test
    void onlyH2RunsStatementsOfOneConnectionSideBySide() {
        assertThat(Dialects.postgres().statementsQueuePerConnection()).isTrue();
        assertThat(Dialects.mariadb().statementsQueuePerConnection()).isTrue();
        assertThat(Dialects.h2().statementsQueuePerConnection()).isFalse();
    }

    @Test
    void cancellationsAreRecognisedByState() {
        R2dbcNonTransientResourceException pgTimeout = new R2dbcNonTransientResourceException(
                "canceling statement due to statement timeout", "57014");
        R2dbcNonTransientResourceException other = new R2dbcNonTransientResourceException("relation does not exist",
                "42P01");
        assertThat(Dialects.postgres().isCancellation(pgTimeout)).isTrue();
        assertThat(Dialects.postgres().isCancellation(other)).isFalse();
        assertThat(Dialects.mariadb().isCancellation(new R2dbcNonTransientResourceException("killed", "70100", 1317)))
                .isTrue();
        assertThat(Dialects.mariadb().isCancellation(new R2dbcTimeoutException("max_statement_time", "70100", 1969)))
                .isTrue();
        assertThat(Dialects.mariadb().isCancellation(new R2dbcNonTransientResourceException("dup", "23000", 1062)))
                .isFalse();
        assertThat(Dialects.h2().isCancellation(new R2dbcTimeoutException("canceled", "57014", 57014))).isTrue();
        assertThat(Dialects.h2().isCancellation(other)).isFalse();
    }
}
