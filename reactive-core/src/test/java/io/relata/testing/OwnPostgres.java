package io.relata.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of the fault tests' own, which they may stop, restart and kill: never the shared one on 5432,
 * where other suites run. It runs from the system's binaries ({@code /usr/lib/postgresql/<version>/bin}, or
 * {@code RELATA_PG_BIN}) on loopback port {@value #DEFAULT_PORT} (or {@code -Drelata.test.ownPostgresPort}), with
 * its data under {@code java.io.tmpdir}, as user {@code postgres} when the tests run as root (PostgreSQL refuses
 * root). It is started once per JVM and stopped by {@link #shutdown()} or at JVM exit. Without binaries the calling
 * test is skipped, or fails when the environment variable {@code CI} is set.
 */
public final class OwnPostgres {

    static final int DEFAULT_PORT = 5451;

    private static OwnPostgres instance;

    private final Path bin;

    private final Path data;

    private final int port;

    private final boolean asPostgresUser;

    private OwnPostgres(Path bin, Path data, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** @return the running server, started (initdb and all) on first use */
    public static synchronized OwnPostgres start() {
        if (instance != null) {
            return instance;
        }
        Path bin = findBinaries();
        if (bin == null) {
            String reason = "no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or RELATA_PG_BIN";
            if (Servers.isCi()) {
                throw new AssertionError(reason + " (CI is set, so this fails instead of skipping)");
            }
            Assumptions.abort(reason);
        }
        int port = Integer.getInteger("relata.test.ownPostgresPort", DEFAULT_PORT);
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "relata-own-postgres-" + port);
        OwnPostgres server = new OwnPostgres(bin, data, port, root);
        server.initAndStart();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownQuietly, "relata-own-postgres-stop"));
        instance = server;
        return server;
    }

    private static Path findBinaries() {
        String configured = System.getenv("RELATA_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured, "pg_ctl")) ? Path.of(configured) : null;
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())))
                    .orElse(null);
        }
        catch (IOException e) {
            return null;
        }
    }

    private static Integer versionOf(String name) {
        try {
            return Integer.valueOf(name);
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }

    private void initAndStart() {
        if (Files.exists(this.data.resolve("postmaster.pid"))) {
            // Left running by a run that was killed: stop it, whatever state it is in.
            pgCtlQuietly("stop", "-m", "immediate");
        }
        deleteData();
        try {
            Files.createDirectories(this.data);
            if (this.asPostgresUser) {
                chownToPostgres(this.data);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("could not create " + this.data, e);
        }
        if (answers()) {
            throw new IllegalStateException("port " + this.port + " is taken by another server; set "
                    + "-Drelata.test.ownPostgresPort to a free port");
        }
        run(List.of(this.bin.resolve("initdb").toString(), "-D", this.data.toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync"));
        String settings = String.join("\n", "port = " + this.port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + this.data + "'", "fsync = off", "synchronous_commit = off",
                "full_page_writes = off", "max_connections = 100", "");
        try {
            Files.writeString(this.data.resolve("postgresql.auto.conf"), settings, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new IllegalStateException("could not configure " + this.data, e);
        }
        startServer();
        System.err.println("[relata-testing] own PostgreSQL at 127.0.0.1:" + this.port + " from " + this.bin);
    }

    /** Starts the server again after {@link #stopServer()}; returns when it accepts connections. */
    public void startServer() {
        pgCtl("start", "-l", this.data.resolve("server.log").toString());
    }

    /** Stops the server (fast: sessions are ended, transactions rolled back); returns when it has stopped. */
    public void stopServer() {
        pgCtl("stop", "-m", "fast");
    }

    /** Restarts the server (fast); returns when it accepts connections again. */
    public void restart() {
        pgCtl("restart", "-m", "fast", "-l", this.data.resolve("server.log").toString());
    }

    /** @return an r2dbc URL of a database on this server */
    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://postgres@127.0.0.1:" + this.port + "/" + database;
    }

    /** Drops and creates a database, ending its sessions first. */
    public void freshDatabase(String database) {
        try (Connection c = jdbc("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + database + "\"");
        }
        catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    /** @return a plain JDBC connection to a database on this server (the caller closes it) */
    public Connection jdbc(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + this.port + "/" + database, p);
    }

    /** Stops the server and deletes its data. */
    public static synchronized void shutdown() {
        if (instance != null) {
            instance.shutdownQuietly();
            instance = null;
        }
    }

    private void shutdownQuietly() {
        if (Files.exists(this.data.resolve("postmaster.pid"))) {
            pgCtlQuietly("stop", "-m", "immediate");
        }
        deleteData();
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", this.port), 300);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    private void pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(this.bin.resolve("pg_ctl").toString(), "-D",
                this.data.toString(), "-w", "-t", "60"));
        command.addAll(List.of(args));
        run(command);
    }

    private void pgCtlQuietly(String... args) {
        try {
            pgCtl(args);
        }
        catch (RuntimeException e) {
            System.err.println("[relata-testing] ignored: " + e.getMessage());
        }
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (this.asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException(String.join(" ", full) + " could not run: " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", full), e);
        }
    }

    private static void chownToPostgres(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName("postgres"));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("postgres");
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
    }

    private void deleteData() {
        if (!Files.exists(this.data)) {
            return;
        }
        try (Stream<Path> files = Files.walk(this.data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        catch (IOException e) {
            System.err.println("[relata-testing] could not delete " + this.data + ": " + e.getMessage());
        }
    }
}
