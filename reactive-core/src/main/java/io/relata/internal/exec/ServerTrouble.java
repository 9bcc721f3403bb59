package io.relata.internal.exec;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a failure of the server (it refused the connection, died, shut down, lost the statement to recovery) from a
 * failure of the statement (bad SQL, a constraint, a conversion). A read that failed for the first reason may be
 * retried on another server; one that failed for the second would fail there too, so its error is the answer.
 *
 * <p>The classes were taken from what the drivers signal here (docs/scale-out.md): r2dbc-postgresql 1.1 reports a
 * refused connection and a server killed mid-query as {@link R2dbcNonTransientResourceException}; its failover
 * strategy wraps connect errors in a plain {@code RuntimeException} (so causes are searched); r2dbc-pool signals a
 * connection it could not create in time as {@link TimeoutException} and an acquire that timed out as
 * {@link R2dbcTimeoutException}; Netty and reactor-netty report a reset or closed socket as {@link IOException}.
 */
final class ServerTrouble {

    private ServerTrouble() {
    }

    /**
     * @param error a failure of a read
     * @return whether it says the server, not the statement, failed
     */
    static boolean test(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (statementTimedOut(t)) {
                // Checked first: Relata's statement timeout wraps the driver's cancellation, which r2dbc-postgresql
                // 1.1.1 reports as a PostgresqlNonTransientResourceException (SQLSTATE 57014).
                return false;
            }
            if (direct(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A statement stopped for taking too long: the statement's doing, which another server would repeat. Relata's
     * statement timeouts name their SQL ({@code Supervisor}); connect and acquire timeouts, which are the server's,
     * do not. 57014 is PostgreSQL's query_canceled, a server-side {@code statement_timeout} included.
     */
    private static boolean statementTimedOut(Throwable t) {
        return t instanceof R2dbcException r
                && ("57014".equals(r.getSqlState()) || r instanceof R2dbcTimeoutException && r.getSql() != null);
    }

    private static boolean direct(Throwable t) {
        if (t instanceof R2dbcNonTransientResourceException || t instanceof R2dbcTransientResourceException
                || t instanceof R2dbcTimeoutException || t instanceof TimeoutException || t instanceof IOException) {
            return true;
        }
        return t instanceof R2dbcException r && serverState(r.getSqlState());
    }

    /**
     * SQLSTATEs that describe the server rather than the statement (PostgreSQL appendix A, also used by MariaDB for
     * class 08): connection exceptions (08), insufficient resources such as too many connections (53), operator
     * intervention: admin or crash shutdown, cannot connect now (57P01-57P03), and on a hot standby "canceling
     * statement due to conflict with recovery" (40001, and 40P01 for a recovery deadlock), which the same read may
     * pass on another server.
     */
    private static boolean serverState(@Nullable String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.startsWith("53") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("40001") || state.equals("40P01");
    }
}
