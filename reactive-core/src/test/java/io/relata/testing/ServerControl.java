package io.relata.testing;

import java.util.List;
import java.util.Map;

/**
 * What fault and timeout tests do to a test database from the side: a statement that runs for a long time, whether
 * such a statement is still running on the server, which sessions other than the side channel's are open, and
 * killing them. The SQL differs per database; the tests that use it do not.
 */
public final class ServerControl {

    /** A fragment of {@link #longStatement()} to find it in the server's list of running statements. */
    private static final Map<TestDatabase, String> MARKER = Map.of(
            TestDatabase.H2, "SYSTEM_RANGE", TestDatabase.POSTGRES, "pg_sleep", TestDatabase.MARIADB, "SLEEP(");

    private final Fresh fresh;

    private ServerControl(Fresh fresh) {
        this.fresh = fresh;
    }

    /** @return the controls of one test database */
    public static ServerControl of(Fresh fresh) {
        return new ServerControl(fresh);
    }

    /**
     * A statement that runs for at least 30 seconds unless stopped: {@code pg_sleep}, {@code SLEEP}, and on H2
     * (which has no sleep) a count over a cross join of ten billion rows, which H2 checks for cancellation as it
     * goes.
     */
    public String longStatement() {
        return switch (this.fresh.database()) {
            case H2 -> "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b"
                    + " WHERE MOD(a.X * b.X, 7) = 3";
            case POSTGRES -> "SELECT pg_sleep(30)";
            case MARIADB -> "SELECT SLEEP(30)";
        };
    }

    /** @return how many statements like {@link #longStatement()} the server is running now */
    public long longStatementsRunning() {
        Jdbc jdbc = this.fresh.jdbc();
        String marker = "%" + MARKER.get(this.fresh.database()) + "%";
        return switch (this.fresh.database()) {
            case H2 -> jdbc.count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()"
                    + " AND EXECUTING_STATEMENT LIKE ?", marker);
            case POSTGRES -> jdbc.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE ?", marker);
            case MARIADB -> jdbc.count("SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE()"
                    + " AND id <> CONNECTION_ID() AND command = 'Query' AND info LIKE ?", marker);
        };
    }

    /** @return the server-side ids of the sessions on the test database other than the side channel's, sorted */
    public List<Long> sessions() {
        Jdbc jdbc = this.fresh.jdbc();
        String sql = switch (this.fresh.database()) {
            case H2 -> "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()"
                    + " ORDER BY SESSION_ID";
            case POSTGRES -> "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid";
            case MARIADB -> "SELECT id FROM information_schema.processlist WHERE db = DATABASE()"
                    + " AND id <> CONNECTION_ID() ORDER BY id";
        };
        return jdbc.query(sql).stream().map(row -> ((Number) row.values().iterator().next()).longValue()).toList();
    }

    /**
     * Ends every session on the test database but the side channel's, as a crashed backend or an administrator
     * would: PostgreSQL {@code pg_terminate_backend}, MariaDB {@code KILL CONNECTION}, H2 {@code ABORT_SESSION}
     * (which also rolls back the session's transaction).
     *
     * @return how many were ended
     */
    public int killSessions() {
        Jdbc jdbc = this.fresh.jdbc();
        List<Long> ids = sessions();
        for (Long id : ids) {
            switch (this.fresh.database()) {
                case H2 -> jdbc.query("SELECT ABORT_SESSION(?)", id.intValue());
                case POSTGRES -> jdbc.query("SELECT pg_terminate_backend(?)", id.intValue());
                case MARIADB -> {
                    try {
                        jdbc.update("KILL CONNECTION " + id);
                    }
                    catch (IllegalStateException gone) {
                        // "Unknown thread id": it ended on its own in the meantime.
                    }
                }
            }
        }
        return ids.size();
    }
}
