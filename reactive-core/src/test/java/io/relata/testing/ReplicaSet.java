package io.relata.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL primary with two streaming hot-standby replicas, PgBouncer and pgpool-II, built by
 * {@code scripts/pg-replicas.sh} on loopback ports. {@link #up()} makes sure the set runs (the script leaves a healthy
 * set alone and rebuilds a broken one, so a test may kill or promote servers); the set this JVM built is torn down
 * when the JVM exits.
 *
 * <p>Without PostgreSQL server binaries the calling test is skipped with the reason, or fails when the environment
 * variable {@code CI} is set: CI's {@code .ci/run} installs them.
 */
public final class ReplicaSet {

    public static final int PRIMARY = 5441;

    public static final int REPLICA1 = 5442;

    public static final int REPLICA2 = 5443;

    public static final int PGBOUNCER = 6432;

    public static final int PGPOOL = 9999;

    public static final String DATABASE = "relata";

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

    private static ReplicaSet instance;

    private static boolean teardownRegistered;

    private final Path script;

    private final String status;

    private ReplicaSet(Path script, String status) {
        this.script = script;
        this.status = status;
    }

    /**
     * Builds the set, or checks that it runs and rebuilds it when it does not.
     *
     * @return the running set
     */
    public static synchronized ReplicaSet up() {
        Path script = findScript();
        String missing = missingBinaries();
        if (missing != null) {
            skip(missing);
        }
        if (instance == null && run(script, "status").exitCode() != 0) {
            // Not running before this JVM: what this JVM builds, it tears down.
            registerTeardown(script);
        }
        Result result = run(script, "up");
        if (result.exitCode() != 0) {
            throw new IllegalStateException("scripts/pg-replicas.sh up failed (" + result.exitCode() + "):\n"
                    + result.output());
        }
        instance = new ReplicaSet(script, result.output());
        return instance;
    }

    private static void registerTeardown(Path script) {
        if (!teardownRegistered) {
            teardownRegistered = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "down"), "relata-replicas-down"));
        }
    }

    /**
     * Stops the set and deletes it, for a test that changed it beyond repair (a promotion, a configuration): the next
     * {@link #up()} builds a new one, which this JVM then tears down at exit.
     */
    public void discard() {
        synchronized (ReplicaSet.class) {
            check(run(this.script, "down"), "down");
            registerTeardown(this.script);
        }
    }

    /** Skips (or, with {@code CI} set, fails) unless PgBouncer runs in the set. */
    public void requirePgBouncer() {
        requirePooler("pgbouncer");
    }

    /** Skips (or, with {@code CI} set, fails) unless pgpool-II runs in the set. */
    public void requirePgpool() {
        requirePooler("pgpool");
    }

    private void requirePooler(String name) {
        for (String line : this.status.split("\n")) {
            if (line.startsWith(name + " ") && !line.endsWith(" up")) {
                skip(name + " is not available (" + line.trim() + "); install it (.ci/run does: apt-get install "
                        + (name.equals("pgpool") ? "pgpool2" : name) + ")");
            }
        }
    }

    /** @return an R2DBC URL of the test database through one port of the set */
    public String url(int port) {
        return "r2dbc:postgresql://postgres@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** @return a plain JDBC side channel to the test database on one server (close it after use) */
    public Connection jdbc(int port) {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("connectTimeout", "5");
        try {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, properties);
        }
        catch (SQLException e) {
            throw new IllegalStateException("JDBC to 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** @return the one value a query returns on one server */
    public Object single(int port, String sql) {
        try (Connection c = jdbc(port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from [" + sql + "] on " + port);
            }
            return rs.getObject(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(port + ": " + e.getMessage() + " [" + sql + "]", e);
        }
    }

    /** Runs statements on the primary. */
    public void execute(String... sql) {
        try (Connection c = jdbc(PRIMARY); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("primary: " + e.getMessage() + " " + List.of(sql), e);
        }
    }

    /** Empties the test database (schema {@code public} re-created on the primary) and waits for the replicas. */
    public void reset() {
        execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()",
                "DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public", "GRANT ALL ON SCHEMA public TO PUBLIC");
        awaitReplicas();
    }

    /** Waits until both replicas have replayed everything the primary has written so far. */
    public void awaitReplicas() {
        String lsn = String.valueOf(single(PRIMARY, "SELECT pg_current_wal_lsn()"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : new int[] {REPLICA1, REPLICA2}) {
            while (!Boolean.TRUE.equals(single(port, "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replica " + port + " did not replay up to " + lsn + " in 30 s");
                }
                pause(20);
            }
        }
    }

    /** Stops one server at once ({@code pg_ctl stop -m immediate}), as a crash would. */
    public void kill(int port) {
        check(run(this.script, "kill", Integer.toString(port)), "kill " + port);
    }

    /** Starts a server that was killed (it recovers, then streams from the primary again). */
    public void start(int port) {
        check(run(this.script, "start", Integer.toString(port)), "start " + port);
    }

    /** Promotes a replica to primary. */
    public void promote(int port) {
        check(run(this.script, "promote", Integer.toString(port)), "promote " + port);
    }

    private static void check(Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("scripts/pg-replicas.sh " + what + " failed:\n" + result.output());
        }
    }

    /** Sleeps on the test thread (never a Reactor thread), for polling loops. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void skip(String reason) {
        String message = "the PostgreSQL replica set cannot run: " + reason;
        if (Servers.isCi()) {
            throw new AssertionError(message + " (CI is set, so this fails instead of skipping)");
        }
        Assumptions.abort(message);
    }

    /** Null when initdb, pg_ctl and pg_basebackup are there (and a postgres user to run them as root); else why not. */
    private static String missingBinaries() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("PG_BIN");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(v -> v.resolve("bin")).forEach(candidates::add);
        }
        catch (IOException e) {
            // no packaged PostgreSQL: only PG_BIN can help
        }
        for (Path bin : candidates) {
            if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_basebackup"))) {
                return null;
            }
        }
        return "no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) under /usr/lib/postgresql/*/bin or PG_BIN;"
                + " install the postgresql package";
    }

    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/pg-replicas.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/pg-replicas.sh not found above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path script, String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("relata-replicas", ".log");
            try {
                // Output goes to a file, not a pipe: servers started in the background must not hold our pipe open.
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, "timed out after " + SCRIPT_TIMEOUT + ": " + Files.readString(log));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            }
            finally {
                Files.deleteIfExists(log);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
