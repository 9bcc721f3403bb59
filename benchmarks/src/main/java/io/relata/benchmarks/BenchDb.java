package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.Relata;
import io.relata.benchmarks.model.Company;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The database under test and its data set. One data set for every scenario: {@code owners} users ({@code id} 1..n),
 * every user but each tenth with one credit card, every user in one of {@code max(10, n / 100)} companies. The
 * schema is created by Relata's {@code migrate}; the rows are seeded with plain set-based SQL (a second or two for
 * 1,000,000 users on PostgreSQL).
 *
 * <p>Configuration (system properties, pass them to JMH forks with {@code -jvmArgsAppend}):
 * {@code relata.bench.pg} the PostgreSQL URL (default {@code r2dbc:postgresql://postgres@127.0.0.1:5432/relata_bench};
 * the database is created when missing), {@code relata.bench.h2} the H2 URL.
 */
public final class BenchDb {

    public static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** Pool size for every library: Relata's default on 2 cores (max(10, 2 x cores)). */
    public static final int POOL_SIZE = 10;

    public final String db;

    /** The URL as given to Relata (Relata adds forceBinary / H2 streaming options itself). */
    public final String url;

    /** The URL the hand-written code uses: binary rows on PostgreSQL, the same options as Relata's on H2. */
    public final String rawUrl;

    private BenchDb(String db, String url, String rawUrl) {
        this.db = db;
        this.url = url;
        this.rawUrl = rawUrl;
    }

    public static BenchDb of(String db) {
        switch (db.toLowerCase(Locale.ROOT)) {
            case "postgresql":
            case "postgres":
            case "pg": {
                String url = System.getProperty("relata.bench.pg",
                        "r2dbc:postgresql://postgres@127.0.0.1:5432/relata_bench");
                createPostgresDatabase(url);
                return new BenchDb("postgresql", url, url + (url.contains("?") ? "&" : "?") + "forceBinary=true");
            }
            case "h2": {
                String url = System.getProperty("relata.bench.h2",
                        "r2dbc:h2:mem:///relata_bench?options=DB_CLOSE_DELAY=-1;LAZY_QUERY_EXECUTION=TRUE");
                return new BenchDb("h2", url, url);
            }
            default:
                throw new IllegalArgumentException("db must be postgresql or h2: " + db);
        }
    }

    /** A PostgreSQL database at a given URL (created when missing). */
    public static BenchDb forUrl(String url) {
        createPostgresDatabase(url);
        return new BenchDb("postgresql", url, url + (url.contains("?") ? "&" : "?") + "forceBinary=true");
    }

    public boolean postgres() {
        return "postgresql".equals(this.db);
    }

    /** The JDBC-style parts of the PostgreSQL URL, for the peers that do not speak R2DBC URLs. */
    public String host() {
        return part(1);
    }

    public int port() {
        return Integer.parseInt(part(2));
    }

    public String database() {
        return part(3);
    }

    public String user() {
        return part(0);
    }

    private String part(int i) {
        // r2dbc:postgresql://user@host:port/db[?...]
        String rest = this.url.substring(this.url.indexOf("//") + 2);
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        String user = rest.substring(0, rest.indexOf('@'));
        if (user.contains(":")) {
            user = user.substring(0, user.indexOf(':'));
        }
        String hostPort = rest.substring(rest.indexOf('@') + 1, rest.indexOf('/'));
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        String port = hostPort.contains(":") ? hostPort.substring(hostPort.indexOf(':') + 1) : "5432";
        String database = rest.substring(rest.indexOf('/') + 1);
        return new String[] {user, host, port, database}[i];
    }

    private static void createPostgresDatabase(String url) {
        BenchDb probe = new BenchDb("postgresql", url, url);
        String admin = url.replaceFirst("/" + probe.database() + "(\\?|$)", "/postgres$1");
        ConnectionFactory f = ConnectionFactories.get(admin);
        Mono.usingWhen(f.create(), c -> Flux.from(c.createStatement(
                "SELECT count(*) FROM pg_database WHERE datname = $1").bind(0, probe.database()).execute())
                .concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue()))
                .next()
                .flatMap(n -> n > 0 ? Mono.empty() : Mono.from(c.createStatement(
                        "CREATE DATABASE \"" + probe.database() + "\"").execute()).flatMap(r -> Mono.from(r.getRowsUpdated()))),
                Connection::close).block(TIMEOUT);
    }

    /** Relata on this database. */
    public Relata relata(int preloadBatchSize) {
        return relata(preloadBatchSize, Relata.DEFAULT_PRELOAD_CONCURRENCY);
    }

    /** Relata with a given preload batch size and preload concurrency. */
    public Relata relata(int preloadBatchSize, int preloadConcurrency) {
        return Relata.builder(this.url).preloadBatchSize(preloadBatchSize).preloadConcurrency(preloadConcurrency)
                .build();
    }

    /**
     * Relata with a given preload batch size, concurrency and growth ({@code preloadMaxBatchSize}; 0: the default,
     * which for an explicit batch size is no growth).
     */
    public Relata relata(int preloadBatchSize, int preloadConcurrency, int preloadMaxBatchSize) {
        Relata.Builder builder = Relata.builder(this.url).preloadBatchSize(preloadBatchSize)
                .preloadConcurrency(preloadConcurrency);
        return (preloadMaxBatchSize > 0 ? builder.preloadMaxBatchSize(preloadMaxBatchSize) : builder).build();
    }

    /**
     * Relata as a user gets it: every setting at its default, but for {@code preloadMaxBatchSize} when the system
     * property {@code relata.bench.preloadMaxBatchSize} sets it (to compare growth limits without a rebuild).
     */
    public Relata relata() {
        Integer maxBatch = Integer.getInteger("relata.bench.preloadMaxBatchSize");
        Relata.Builder builder = Relata.builder(this.url);
        return (maxBatch == null ? builder : builder.preloadMaxBatchSize(maxBatch)).build();
    }

    /** A pool for the hand-written code, the same size as Relata's. */
    public ConnectionPool rawPool() {
        return new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(this.rawUrl))
                .initialSize(2).maxSize(POOL_SIZE).build());
    }

    /** Drops and re-creates the schema with Relata, then seeds {@code owners} users. */
    public void seed(Relata relata, int owners) {
        recreate(relata);
        int companies = companies(owners);
        if (postgres()) {
            exec(relata, "INSERT INTO companies (name) SELECT 'company ' || g FROM generate_series(1, " + companies + ") g");
            exec(relata, "INSERT INTO users (created_at, updated_at, name, company_id) SELECT now(), now(), 'user ' || g, "
                    + "1 + g % " + companies + " FROM generate_series(1, " + owners + ") g");
            exec(relata, "INSERT INTO credit_cards (created_at, updated_at, number, user_id) SELECT now(), now(), "
                    + "lpad(g::text, 16, '4'), g FROM generate_series(1, " + owners + ") g WHERE g % 10 <> 0");
            exec(relata, "VACUUM ANALYZE users");
            exec(relata, "VACUUM ANALYZE credit_cards");
            exec(relata, "VACUUM ANALYZE companies");
        }
        else {
            exec(relata, "INSERT INTO companies (name) SELECT 'company ' || X FROM SYSTEM_RANGE(1, " + companies + ")");
            exec(relata, "INSERT INTO users (created_at, updated_at, name, company_id) SELECT CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP, 'user ' || X, 1 + MOD(X, " + companies + ") FROM SYSTEM_RANGE(1, " + owners + ")");
            exec(relata, "INSERT INTO credit_cards (created_at, updated_at, number, user_id) SELECT CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP, LPAD(CAST(X AS VARCHAR), 16, '4'), X FROM SYSTEM_RANGE(1, " + owners + ") "
                    + "WHERE MOD(X, 10) <> 0");
            exec(relata, "ANALYZE");
        }
        long users = count(relata, User.class);
        long cards = count(relata, CreditCard.class);
        if (users != owners || cards != expectedCards(owners)) {
            throw new IllegalStateException("seeding failed: " + users + " users, " + cards + " cards");
        }
    }

    /** Drops and re-creates the (empty) schema with Relata's migrate. */
    public void recreate(Relata relata) {
        for (String table : List.of("credit_cards", "users", "companies")) {
            exec(relata, "DROP TABLE IF EXISTS " + table + (postgres() ? " CASCADE" : ""));
        }
        relata.migrate(Company.class, User.class, CreditCard.class).block(TIMEOUT);
    }

    public static int companies(int owners) {
        return Math.max(10, owners / 100);
    }

    /** Users with a card: every one but each tenth. */
    public static long expectedCards(int owners) {
        return owners - owners / 10;
    }

    public static void exec(Relata relata, String sql) {
        relata.exec(sql).block(TIMEOUT);
    }

    public static <T> long count(Relata relata, Class<T> type) {
        return relata.repository(type).findAll().count().block(TIMEOUT);
    }
}
