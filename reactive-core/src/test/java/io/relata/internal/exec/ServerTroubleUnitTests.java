package io.relata.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServerTroubleUnitTests {

    @Test
    void theServerFailing() {
        assertThat(ServerTrouble.test(new R2dbcNonTransientResourceException("Connection unexpectedly closed")))
                .isTrue();
        assertThat(ServerTrouble.test(new R2dbcTransientResourceException("too busy"))).isTrue();
        assertThat(ServerTrouble.test(new R2dbcTimeoutException("acquire timed out"))).isTrue();
        assertThat(ServerTrouble.test(new TimeoutException("create"))).isTrue();
        assertThat(ServerTrouble.test(new ConnectException("Connection refused"))).isTrue();
        assertThat(ServerTrouble.test(new IOException("Connection reset by peer"))).isTrue();
        // r2dbc-postgresql's failover strategy wraps what each host said in a plain RuntimeException.
        assertThat(ServerTrouble.test(new RuntimeException("no host", new ConnectException("refused")))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08003", "53300", "57P01", "57P02", "57P03", "40001", "40P01"})
    void sqlStatesOfTheServer(String state) {
        assertThat(ServerTrouble.test(new R2dbcRollbackException("x", state))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"42703", "42P01", "22003", "23505", "25006", "57014", "XX000"})
    void sqlStatesOfTheStatement(String state) {
        // 57014 is a cancelled statement (a timeout the user asked for): running it again would not help.
        assertThat(ServerTrouble.test(new R2dbcException("x", state) {
            private static final long serialVersionUID = 1L;
        })).isFalse();
    }

    @Test
    void theStatementFailing() {
        assertThat(ServerTrouble.test(new R2dbcBadGrammarException("column does not exist", "42703"))).isFalse();
        assertThat(ServerTrouble.test(new R2dbcDataIntegrityViolationException("duplicate", "23505"))).isFalse();
        assertThat(ServerTrouble.test(new R2dbcPermissionDeniedException("denied", "42501"))).isFalse();
        assertThat(ServerTrouble.test(new IllegalArgumentException("bad value"))).isFalse();
        assertThat(ServerTrouble.test(new R2dbcBadGrammarException("no state"))).isFalse();
    }

    @Test
    void aStatementTimeoutIsTheStatements() {
        // Relata's statement timeout names its SQL and wraps the driver's cancellation (r2dbc-postgresql 1.1.1:
        // a non-transient resource exception with SQLSTATE 57014).
        R2dbcException cancelled = new R2dbcNonTransientResourceException("canceling statement due to statement"
                + " timeout", "57014");
        assertThat(ServerTrouble.test(cancelled)).isFalse();
        assertThat(ServerTrouble.test(new R2dbcTimeoutException("Statement timeout of PT1S exceeded", "57014", 0,
                "SELECT 1", cancelled))).isFalse();
        assertThat(ServerTrouble.test(new R2dbcTimeoutException("Statement timeout of PT1S exceeded", null, 0,
                "SELECT 1"))).isFalse();
        // Connect and acquire timeouts name no SQL: the server's.
        assertThat(ServerTrouble.test(new R2dbcTimeoutException("Could not connect to the database within PT3S"
                + " (connectTimeout)", new TimeoutException()))).isTrue();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(ServerTrouble.test(a)).isFalse();
    }
}
