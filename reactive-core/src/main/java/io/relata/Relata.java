package io.relata;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Binder;
import io.relata.internal.exec.Hooks;
import io.relata.internal.exec.ReplicaPools;
import io.relata.internal.exec.Replicas;
import io.relata.internal.exec.Session;
import io.relata.internal.exec.Supervisor;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.migrate.Migrator;
import io.relata.internal.repo.DefaultRepository;
import io.relata.internal.schema.Catalog;
import io.relata.internal.schema.SchemaValidator;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.SqlBuilder;
import io.relata.spi.Operation;
import io.relata.spi.OperationObserver;
import io.relata.spi.TransactionBinding;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The entry point: a connection to one database, from which repositories, migrations, raw statements and
 * transactions are obtained. Thread-safe; create one per database and share it.
 *
 * <pre>{@code
 * Relata db = Relata.connect("r2dbc:h2:mem:///demo");
 * db.migrate(User.class, CreditCard.class)
 *   .thenMany(db.repository(User.class).findAll().preload("creditCard"))
 *   .subscribe(System.out::println);
 * }</pre>
 *
 * <p>Outside a transaction each operation borrows a pooled connection and returns it when it terminates or is
 * cancelled. The {@code Relata} given to {@link #inTransaction(Function)}'s work runs everything on the
 * transaction's one connection. With a {@link TransactionBinding} (see {@link Builder#transactionBinding}), an
 * operation subscribed inside a transaction that the caller's framework manages (Spring's {@code @Transactional})
 * runs on that transaction's connection in the same way.
 *
 * <p>With read replicas ({@link Builder#replicas(ConnectionFactory...)}), reads outside a transaction (queries,
 * {@code first}, {@code count}, {@code findById}, their preloads, association {@code find} and {@code count}) go to
 * the replicas, taking turns; writes, {@link #exec}, {@link #migrate} and every transaction, its reads included, go to
 * the primary. {@link Query#primary()} and {@link #readFromPrimary()} send a read to the primary. See
 * docs/scale-out.md.
 */
public final class Relata {

    /**
     * The default number of owners per preload query, chosen with the benchmarks in {@code benchmarks/}: large
     * enough that the round trip per batch is small against the rows it carries, small enough that a batch of
     * owners and their values stays a few MiB.
     */
    public static final int DEFAULT_PRELOAD_BATCH_SIZE = 1000;

    /**
     * The default number of preload queries in flight per association outside a transaction: while one batch's
     * query runs on its own connection, the next batch of owners streams in and its query starts. Measured on
     * PostgreSQL (2 cores, benchmarks/README.md), 2 and 4 were within a few percent of each other and ahead of 1;
     * each one in flight holds a pooled connection, so 2 keeps a stream to at most three.
     */
    public static final int DEFAULT_PRELOAD_CONCURRENCY = 2;

    /**
     * The default number of rows one preload batch may hold: {@value}. A to-many preload whose owners have many
     * targets each gets fewer owners per batch (a batch of 1,000 owners with 10 orders each fits; with 100 each, a
     * batch has about 200 owners), so memory is bounded by rows whatever the fan-out. Measured in
     * reactive-core's streaming test and in benchmarks/README.md.
     */
    public static final int DEFAULT_PRELOAD_MAX_ROWS = 20_000;

    /**
     * How far preload batches grow by default where the database takes a batch's key set as one array bind
     * (PostgreSQL, {@code = ANY(?)}): the first batch has {@link #DEFAULT_PRELOAD_BATCH_SIZE} owners, so the first
     * owners come as early as ever, and each next batch twice as many, up to {@value} owners. One statement costs
     * much the same whatever its number of keys there, so a long stream sends far fewer: 100,000 owners take 10
     * statements instead of 100. Measured with {@code PreloadQuick} (benchmarks/README.md): at 10,000 owners on
     * PostgreSQL, 1.00 of the hand-written two queries against 1.50 with fixed batches of 1,000.
     *
     * <p>In a heap under 512 MiB the default stops earlier, at one owner per 32 KiB of maximum heap (about 4,000 at
     * {@code -Xmx128m}): a grown batch and the ones beside it hold their owners and targets in memory, and in a
     * small heap the collector then works harder than the saved statements gain. Streaming 1,000,000 owners with
     * their card in a 128 MiB heap ({@code StreamingBenchmark}, median of the rounds' ratios to hand-written):
     * growing to 16,000 owners 0.85 (peak heap used 100 MiB), to 8,000 0.95, to 4,000 0.93 (62 MiB), fixed batches
     * of 1,000 0.80. Collecting 100,000 owners into a list in a 3 GiB heap ({@code PreloadQuick}): 16,000 1.23,
     * 4,000 1.31.
     */
    public static final int DEFAULT_PRELOAD_MAX_BATCH_SIZE = 16_000;

    /** Bytes of maximum heap per owner of a grown preload batch, at least (see DEFAULT_PRELOAD_MAX_BATCH_SIZE). */
    private static final long HEAP_PER_GROWN_OWNER = 32 * 1024;

    /**
     * The default connect timeout: how long opening one connection (TCP, TLS, authentication) may take before the
     * borrower gets an error. Long enough for a remote server under load, short enough that a server that accepts
     * connections and never answers fails requests within seconds rather than hanging them.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The default acquire timeout: how long an operation waits for a pooled connection when all are in use (the
     * common default of JDBC pools, HikariCP's {@code connectionTimeout}). r2dbc-pool alone waits for ever.
     */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The longest a new connection to a read replica may take (the TCP and PostgreSQL handshake) before the replica
     * counts as failed and the read moves on: long enough for a loaded server on the same network, short enough that
     * a request does not wait for the operating system's connect timeout on an unreachable host.
     */
    public static final Duration DEFAULT_REPLICA_CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** How long a read replica that failed is left out of the turns before reads try it again. */
    public static final Duration DEFAULT_REPLICA_RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * The Reactor Context key that sends every read of a reactive chain to the primary when its value is
     * {@code Boolean.TRUE}; {@link #readFromPrimary()} builds that context.
     */
    public static final String READ_FROM_PRIMARY_KEY = Replicas.PRIMARY_KEY;

    private static final Duration CLOSE_POLL = Duration.ofMillis(5);

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final Session session;

    private final List<ConnectionPool> ownedPools;

    private Relata(Session session, List<ConnectionPool> ownedPools) {
        this.session = session;
        this.ownedPools = ownedPools;
    }

    /**
     * Connects to the database at an R2DBC URL, such as {@code r2dbc:h2:mem:///demo} or
     * {@code r2dbc:postgresql://user@localhost:5432/db}, through a connection pool (r2dbc-pool). On PostgreSQL the
     * URL gets {@code forceBinary=true} unless it says otherwise (binary rows read about 3x faster); an in-memory
     * H2 URL gets {@code DB_CLOSE_DELAY=-1} (the database lives until {@link #close()}) and
     * {@code LAZY_QUERY_EXECUTION=TRUE} (results stream instead of being materialised).
     *
     * <p>The URL may carry Relata's timeouts as query parameters, which Relata removes before the driver sees the URL:
     * {@code statementTimeout}, {@code connectTimeout} and {@code acquireTimeout} (see {@link Builder}), each a
     * duration such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT5S}, or {@code 0} for
     * none: {@code r2dbc:postgresql://app@db:5432/shop?statementTimeout=5s&acquireTimeout=2s}.
     *
     * @param url the R2DBC URL
     * @return a connected instance; no connection is opened until the first operation
     * @throws IllegalArgumentException when no driver accepts the URL, the database has no dialect, or a timeout
     *         parameter is not a valid duration
     */
    public static Relata connect(String url) {
        return builder(url).build();
    }

    /**
     * Connects through a connection factory, pooling it unless it already is an r2dbc-pool {@link ConnectionPool}.
     *
     * @param factory the connection factory
     * @return a connected instance
     * @throws IllegalArgumentException when the database has no dialect
     */
    public static Relata connect(ConnectionFactory factory) {
        return builder(factory).build();
    }

    /**
     * Starts configuring an instance connected to an R2DBC URL, tuned as {@link #connect(String)} describes; timeouts
     * in the URL become the builder's, and the builder's setters override them.
     *
     * @param url the R2DBC URL
     * @return a builder
     * @throws IllegalArgumentException when no driver accepts the URL or a timeout parameter is not a valid duration
     */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url must not be null");
        UrlTimeouts timeouts = UrlTimeouts.parse(url);
        Builder builder = builder(ConnectionFactories.get(Urls.tune(timeouts.url())));
        timeouts.statement().ifPresent(builder::statementTimeout);
        timeouts.connect().ifPresent(builder::connectTimeout);
        timeouts.acquire().ifPresent(builder::acquireTimeout);
        return builder;
    }

    /**
     * Starts configuring an instance.
     *
     * @param factory the connection factory
     * @return a builder
     */
    public static Builder builder(ConnectionFactory factory) {
        return new Builder(Objects.requireNonNull(factory, "factory must not be null"));
    }

    /**
     * A Reactor Context that sends the reads of the chain it is written into to the primary, even when read replicas
     * are configured: read-your-writes for a whole request. Reads subscribed within it, including their preloads,
     * see every write committed before they start. Without replicas it changes nothing.
     *
     * <pre>{@code
     * // one handler
     * return users.save(user).then(users.findById(user.getId())).contextWrite(Relata.readFromPrimary());
     * // every request of a WebFlux application, in a WebFilter
     * return chain.filter(exchange).contextWrite(Relata.readFromPrimary());
     * }</pre>
     *
     * @return a context holding {@link #READ_FROM_PRIMARY_KEY} = {@code true}, for {@code contextWrite}
     */
    public static ContextView readFromPrimary() {
        return Context.of(READ_FROM_PRIMARY_KEY, Boolean.TRUE);
    }

    /**
     * Creates or updates the tables of entities, additively: it reads the existing schema first, then creates the
     * missing tables (referenced ones first), adds missing columns, creates missing indexes and unique indexes, an
     * index on every foreign-key column it manages ({@code idx_<table>_<column>}) unless an index already starts with
     * that column, and the missing foreign-key constraints (after every table exists). It never drops or alters what
     * is there, does not add a constraint that exists under another name, and does not attempt one the column types
     * cannot carry (it logs a warning naming the table, columns and types instead). A many-to-many association's join
     * table is created with the entities (composite primary key, a constraint to each side with {@code ON DELETE
     * CASCADE} unless mapped otherwise). Idempotent: running it again sends no DDL.
     * It reads the catalog from the primary, never from a replica.
     *
     * @param entities the entity classes
     * @return completes when the schema matches; an error signal for a database error
     * @throws MappingException synchronously, when an entity or relationship cannot be mapped
     */
    public Mono<Void> migrate(Class<?>... entities) {
        Objects.requireNonNull(entities, "entities must not be null");
        return this.session.observe(Operation.Kind.MIGRATE, null, new Migrator(this.session).migrate(entities));
    }

    /**
     * Checks entities against the live schema without changing it: missing tables and columns, columns whose type
     * cannot hold their field's values, foreign-key columns no index starts with (every preload batch would scan the
     * table), and foreign keys whose column types no constraint can join. Every problem is reported at once, each
     * naming the entity, field, table and column; use it in CI or at start-up. It reads the catalog afresh, so it also
     * picks up changes made to the tables outside Relata.
     *
     * @param entities the entity classes
     * @return the report (emitted once, never empty); an error signal for a database error
     * @throws MappingException synchronously, when an entity or relationship cannot be mapped
     * @throws NullPointerException when {@code entities} is {@code null}
     */
    public Mono<SchemaReport> validate(Class<?>... entities) {
        Objects.requireNonNull(entities, "entities must not be null");
        List<EntityMeta<?>> metas = new ArrayList<>();
        for (Class<?> type : entities) {
            metas.add(Metadata.resolved(Objects.requireNonNull(type, "entities must not contain null")));
        }
        SchemaValidator validator = new SchemaValidator(this.session.dialect(), this.session.catalog(),
                this.session.binder().conversions());
        return this.session.refreshCatalog(Catalog.tablesOf(metas)).then(Mono.fromCallable(() ->
                validator.check(metas)));
    }

    /**
     * A repository of an entity type. Its mapping, relationships included, is checked now.
     *
     * @param type the entity class
     * @param <T> the entity type
     * @return the repository
     * @throws MappingException when the entity or one of its relationships cannot be mapped, or when it has a
     *         composite primary key (several {@code @Id} fields), which only a many-to-many join entity may have
     */
    public <T> Repository<T> repository(Class<T> type) {
        Objects.requireNonNull(type, "type must not be null");
        EntityMeta<T> meta = Metadata.resolved(type);
        if (meta.compositeKey()) {
            throw new MappingException("Entity " + type.getName() + " has a composite primary key " + meta.keys()
                    + ": it can map a join table (@ManyToMany(joinEntity = " + type.getSimpleName() + ".class)) but "
                    + "has no repository; give it a single @Id to use it as an entity");
        }
        return new DefaultRepository<>(this.session, meta, false, Set.of());
    }

    /**
     * Runs work in a transaction on one connection. The {@code Relata} the work receives runs every repository,
     * query and statement on that connection. The transaction commits when the work's publisher completes, and
     * rolls back when it signals an error or the subscriber cancels. Called inside a transaction, the work joins it:
     * inside Relata's own, or inside the caller's when a {@link TransactionBinding} finds one, and then Relata neither
     * commits nor rolls back (the transaction's owner does; an error or cancel here reaches it as usual).
     *
     * @param work builds the transaction's work
     * @param <R> the element type
     * @return the work's elements; the error of the work or of the commit
     */
    public <R> Flux<R> inTransaction(Function<Relata, ? extends Publisher<R>> work) {
        Objects.requireNonNull(work, "work must not be null");
        return this.session.transaction(tx -> work.apply(new Relata(tx, List.of())));
    }

    /**
     * Runs a raw SQL statement with {@code ?} placeholders, bound to the arguments. The statement is trusted SQL,
     * sent as written (never build it from user input); only the values are bound. A {@code ?} inside a string
     * literal, a quoted identifier, a comment or (on PostgreSQL) a dollar-quoted string is not a placeholder, read
     * with the database's own rules ({@link Dialect#syntax()}). A collection after {@code IN} is bound as
     * {@link Query#where(String, Object...)} binds it.
     *
     * @param sql the statement
     * @param args one value per placeholder
     * @return the number of rows affected; an error signal for a database error
     * @throws IllegalArgumentException when the number of arguments differs from the number of placeholders, or a
     *         placeholder is written so that it would run into the marker Relata puts there ({@code ?1}, {@code $?})
     */
    public Mono<Long> exec(String sql, Object... args) {
        Fragment fragment = Fragment.statement(this.session.dialect(), sql, args);
        return this.session.observe(Operation.Kind.EXEC, null, this.session.update(
                new SqlBuilder(this.session.dialect(), this.session.binder().zone()).fragment(fragment).build()));
    }

    /**
     * The dialect in use.
     *
     * @return the dialect
     */
    public Dialect dialect() {
        return this.session.dialect();
    }

    /** The pools this instance created, for tests that check none of their connections leaked. */
    List<ConnectionPool> ownedPools() {
        return this.ownedPools;
    }

    /** Connections borrowed and not yet given back, for the same tests. */
    int borrowedConnections() {
        return this.session.borrowedConnections();
    }

    /**
     * Closes the connection pools this instance created, after waiting up to five seconds for borrowed connections
     * to come back. A transaction's instance, or one built on the caller's {@link ConnectionPool}, closes nothing.
     *
     * @return completes when the pool is closed
     */
    public Mono<Void> close() {
        if (this.ownedPools.isEmpty()) {
            return Mono.empty();
        }
        // A connection whose user cancelled (next(), take(n), a closed HTTP response) is returned to the pool
        // asynchronously, after the cancelling subscriber has moved on. Disposing the pool while such a release is in
        // flight makes reactor-pool count the permit twice ("Too many permits returned"), so wait a bounded time for
        // borrowed connections to come back first.
        return Flux.interval(Duration.ZERO, CLOSE_POLL)
                .filter(tick -> this.session.borrowedConnections() == 0)
                .next()
                .timeout(CLOSE_GRACE, Mono.just(0L))
                .thenMany(Flux.fromIterable(this.ownedPools).concatMap(ConnectionPool::disposeLater))
                .then();
    }

    /**
     * Configures a {@link Relata}. Setters check their argument at once; {@link #build()} applies defaults.
     */
    public static final class Builder {

        private final ConnectionFactory factory;

        private @Nullable Dialect dialect;

        private Consumer<String> onStatement = sql -> { };

        private int preloadBatchSize = DEFAULT_PRELOAD_BATCH_SIZE;

        private boolean preloadBatchSizeSet;

        private int preloadMaxBatchSize;

        private int preloadConcurrency = DEFAULT_PRELOAD_CONCURRENCY;

        private int preloadMaxRows = DEFAULT_PRELOAD_MAX_ROWS;

        private int maxConnections = Math.max(10, Runtime.getRuntime().availableProcessors() * 2);

        private @Nullable ConnectionFactory preloadFactory;

        private @Nullable TransactionBinding transactionBinding;

        private @Nullable OperationObserver observer;

        private ZoneId zone = ZoneOffset.UTC;

        private Duration statementTimeout = Duration.ZERO;

        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;

        private List<ConnectionFactory> replicas = List.of();

        private List<String> replicaNames = List.of();

        private Duration replicaConnectTimeout = DEFAULT_REPLICA_CONNECT_TIMEOUT;

        private Duration replicaRetryAfter = DEFAULT_REPLICA_RETRY_AFTER;

        private Builder(ConnectionFactory factory) {
            this.factory = factory;
        }

        /**
         * Sets the dialect instead of detecting it from the connection factory's metadata.
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect must not be null");
            return this;
        }

        /**
         * Sets a listener that sees the SQL of every statement as it is sent, in order (useful for logging and for
         * counting statements in tests). It runs on the thread that sends the statement and must not block.
         *
         * @param onStatement the listener
         * @return this builder
         */
        public Builder onStatement(Consumer<String> onStatement) {
            this.onStatement = Objects.requireNonNull(onStatement, "onStatement must not be null");
            return this;
        }

        /**
         * Sets how many owners one preload query covers (default {@link #DEFAULT_PRELOAD_BATCH_SIZE}). Set alone, it
         * is the size of every batch; by default, where the key set is one array bind (PostgreSQL), batches start at
         * {@link #DEFAULT_PRELOAD_BATCH_SIZE} and grow to {@link #DEFAULT_PRELOAD_MAX_BATCH_SIZE} owners (see
         * {@link #preloadMaxBatchSize(int)}).
         *
         * @param size owners per preload query, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code size} is less than 1
         */
        public Builder preloadBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("preloadBatchSize must be at least 1: " + size);
            }
            this.preloadBatchSize = size;
            this.preloadBatchSizeSet = true;
            return this;
        }

        /**
         * Lets preload batches grow as a stream proves long: the first batch has {@link #preloadBatchSize(int)}
         * owners, each next one twice as many as the one before, up to {@code size} owners (rounded down to a
         * multiple of the batch size). The first owners of a stream come as early as with fixed batches, and a long
         * stream sends fewer, larger statements. Default: {@link #DEFAULT_PRELOAD_MAX_BATCH_SIZE} (fewer in a heap under
         * 512 MiB: one owner per 32 KiB of maximum heap) where the dialect
         * binds a key set as one array ({@link Dialect#supportsArrayKeySet()}) and {@link #preloadBatchSize(int)}
         * was not set; otherwise the batch size, that is no growth. A to-many preload's batches are still cut to
         * {@link #preloadMaxRows(int)} rows. Memory grows with it: a stream holds about
         * {@code (preloadConcurrency + 2) * size} owners at most.
         *
         * @param size owners per preload query once grown, at least 1; not above the batch size: no growth
         * @return this builder
         * @throws IllegalArgumentException when {@code size} is less than 1
         */
        public Builder preloadMaxBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("preloadMaxBatchSize must be at least 1: " + size);
            }
            this.preloadMaxBatchSize = size;
            return this;
        }

        /**
         * Sets how many preload queries of one association may be in flight at once outside a transaction
         * (default {@link #DEFAULT_PRELOAD_CONCURRENCY}). Each holds a pooled connection while it runs; inside a
         * transaction there is one connection and one query at a time.
         *
         * @param concurrency queries in flight, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code concurrency} is less than 1
         */
        public Builder preloadConcurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("preloadConcurrency must be at least 1: " + concurrency);
            }
            this.preloadConcurrency = concurrency;
            return this;
        }

        /**
         * Sets about how many rows (targets) one preload batch may hold (default {@link #DEFAULT_PRELOAD_MAX_ROWS}).
         * A batch of owners whose targets would pass it is cut smaller: batches are sized by the targets per owner
         * seen so far in the stream, and a batch that still brings more is fetched again in two halves. Only one
         * owner's targets are never split. Together with {@link #preloadConcurrency(int)} this bounds the memory of
         * a streaming to-many preload.
         *
         * @param rows rows per batch, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code rows} is less than 1
         */
        public Builder preloadMaxRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("preloadMaxRows must be at least 1: " + rows);
            }
            this.preloadMaxRows = rows;
            return this;
        }

        /**
         * Sets the size of the connection pool Relata creates (default 10, or twice the processors when more).
         * Preload queries of streams outside a transaction borrow from a second pool of half that size (at least
         * 2), so streams waiting for a preload connection can never hold every connection they wait for. Ignored
         * when the factory already is a {@link ConnectionPool}: that pool serves everything.
         *
         * @param size connections in the main pool, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code size} is less than 1
         */
        public Builder maxConnections(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1: " + size);
            }
            this.maxConnections = size;
            return this;
        }

        /**
         * Sets where preload queries of streams outside a transaction borrow connections when the factory is already
         * pooled, instead of that pool. Pass a pool separate from it: a stream holds its owners' connection while its
         * preloads run, so sharing could leave every stream waiting. Not closed by Relata.
         *
         * @param preloadFactory a pooled connection factory, separate from the main pool
         * @return this builder
         */
        public Builder preloadConnectionFactory(ConnectionFactory preloadFactory) {
            this.preloadFactory = Objects.requireNonNull(preloadFactory, "preloadFactory must not be null");
            return this;
        }

        /**
         * Sets the time zone values of {@code timestamp without time zone} columns (MariaDB {@code DATETIME}) are
         * wall times in, on read and on write, identically on every database and whatever the JVM's zone (default
         * UTC). An {@code Instant} field on such a column is stored as its wall time in this zone and read back as
         * the same instant; a {@code LocalDateTime} field on a {@code timestamp with time zone} column is taken as a
         * wall time in this zone. Set it to the zone another application writing the same tables uses (Rails and
         * Django default to UTC).
         *
         * @param zone the zone
         * @return this builder
         * @throws NullPointerException when {@code zone} is {@code null}
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone must not be null");
            return this;
        }

        /**
         * Sets the statement timeout (default none): a statement still running after it is stopped on the server and
         * signals an {@link io.r2dbc.spi.R2dbcTimeoutException} naming its SQL; the connection stays usable. It
         * bounds each statement as a whole, a streamed query included (its rows must all have been read in time), so
         * leave it off, or long, for streams read by slow consumers.
         *
         * <p>The database enforces it where it can: on connections Relata's pools open, through the session setting
         * PostgreSQL ({@code statement_timeout}), MariaDB ({@code max_statement_time}) and H2
         * ({@code QUERY_TIMEOUT}) offer; on a {@link ConnectionPool} given to {@link #builder(ConnectionFactory)},
         * through {@code SET LOCAL statement_timeout} in PostgreSQL transactions, and otherwise by Relata, which then
         * cancels the statement when the time is up and stops it on the server.
         *
         * @param timeout the timeout, a whole number of milliseconds up to {@link Integer#MAX_VALUE};
         *        {@link Duration#ZERO} for none
         * @return this builder
         * @throws IllegalArgumentException when the timeout is negative, finer than a millisecond or too long
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = UrlTimeouts.check("statementTimeout", timeout);
            return this;
        }

        /**
         * Sets how Relata finds the connection of a transaction the caller is already in (Spring's
         * {@code @Transactional}, for one). Inside such a transaction every operation runs on its connection, as
         * inside {@link Relata#inTransaction}, and Relata never commits, rolls back or closes it; outside, nothing
         * changes but one lookup per operation.
         *
         * @param binding finds the caller's transaction's connection
         * @return this builder
         */
        public Builder transactionBinding(TransactionBinding binding) {
            this.transactionBinding = Objects.requireNonNull(binding, "binding must not be null");
            return this;
        }

        /**
         * Sends reads outside transactions to read replicas of the database (PostgreSQL streaming replicas, MariaDB
         * replicas): queries, {@code first}, {@code count}, {@code findById}, their preloads and association
         * {@code find}/{@code count}. Writes, {@code exec}, {@code migrate} and transactions stay on the primary.
         * Reads take turns over the replicas; one read and its preloads use one replica. A replica that fails before
         * a read emitted anything is skipped for {@link #replicaRetryAfter(Duration)} and the read is run again on
         * the next replica, then on the primary. Each factory is pooled like the primary's unless it already is an
         * r2dbc-pool {@link ConnectionPool}. Replicas apply the primary's writes a little later: see
         * {@link Query#primary()}. Calling it again replaces the replicas; no factories means no replicas.
         *
         * @param replicas the replicas' connection factories
         * @return this builder
         * @throws NullPointerException when the array or one of its factories is {@code null}
         */
        public Builder replicas(ConnectionFactory... replicas) {
            Objects.requireNonNull(replicas, "replicas must not be null");
            List<String> names = new ArrayList<>(replicas.length);
            for (int i = 0; i < replicas.length; i++) {
                Objects.requireNonNull(replicas[i], "replica " + (i + 1) + " must not be null");
                names.add("replica " + (i + 1));
            }
            this.replicas = List.of(replicas);
            this.replicaNames = List.copyOf(names);
            return this;
        }

        /**
         * Sets how long opening one connection may take (default {@link #DEFAULT_CONNECT_TIMEOUT}); an operation
         * waiting for it then signals an {@link io.r2dbc.spi.R2dbcTimeoutException}. Applies to the pools Relata
         * creates; a {@link ConnectionPool} given to {@link #builder(ConnectionFactory)} keeps its own settings.
         *
         * @param timeout the timeout, as for {@link #statementTimeout(Duration)}; {@link Duration#ZERO} for none
         * @return this builder
         * @throws IllegalArgumentException when the timeout is negative, finer than a millisecond or too long
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = UrlTimeouts.check("connectTimeout", timeout);
            return this;
        }

        /**
         * Sets an observer that wraps the publisher of every operation (queries, counts, each preload batch, saves,
         * updates, deletes, association-mode calls, {@code exec}, {@code migrate}) for metrics or tracing.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(OperationObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer must not be null");
            return this;
        }

        /**
         * Like {@link #replicas(ConnectionFactory...)}, with R2DBC URLs tuned as {@link Relata#connect(String)}
         * tunes the primary's.
         *
         * @param urls the replicas' R2DBC URLs, such as {@code r2dbc:postgresql://app@replica1:5432/db}
         * @return this builder
         * @throws IllegalArgumentException when no driver accepts a URL
         * @throws NullPointerException when the array or one of its URLs is {@code null}
         */
        public Builder replicas(String... urls) {
            Objects.requireNonNull(urls, "urls must not be null");
            List<ConnectionFactory> factories = new ArrayList<>(urls.length);
            List<String> names = new ArrayList<>(urls.length);
            for (int i = 0; i < urls.length; i++) {
                Objects.requireNonNull(urls[i], "replica URL " + (i + 1) + " must not be null");
                try {
                    // Timeouts in a replica's URL are removed like the primary's; the builder's apply to every server.
                    factories.add(ConnectionFactories.get(Urls.tune(UrlTimeouts.parse(urls[i]).url())));
                }
                catch (IllegalStateException e) {
                    // What ConnectionFactories says when no driver takes the URL; named here without credentials.
                    throw new IllegalArgumentException("No R2DBC driver accepts the URL of replica " + (i + 1) + " ("
                            + Urls.address(urls[i]) + "): " + e.getMessage(), e);
                }
                names.add("replica " + (i + 1) + " at " + Urls.address(urls[i]));
            }
            this.replicas = List.copyOf(factories);
            this.replicaNames = List.copyOf(names);
            return this;
        }

        /**
         * Sets how long an operation waits for a pooled connection when all are in use (default
         * {@link #DEFAULT_ACQUIRE_TIMEOUT}); it then signals an {@link io.r2dbc.spi.R2dbcTimeoutException} and sends
         * nothing.
         *
         * @param timeout the timeout, as for {@link #statementTimeout(Duration)}; {@link Duration#ZERO} to wait for
         *        ever
         * @return this builder
         * @throws IllegalArgumentException when the timeout is negative, finer than a millisecond or too long
         */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = UrlTimeouts.check("acquireTimeout", timeout);
            return this;
        }

        /**
         * Sets the longest a new connection to a read replica may take before the replica counts as failed and the
         * read moves on (default {@link #DEFAULT_REPLICA_CONNECT_TIMEOUT}). Applies to the pools Relata creates; a
         * replica given as a {@link ConnectionPool} keeps its own {@code maxCreateConnectionTime}.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder replicaConnectTimeout(Duration timeout) {
            this.replicaConnectTimeout = positive(timeout, "replicaConnectTimeout");
            return this;
        }

        /**
         * Sets how long a read replica that failed is left out before reads try it again (default
         * {@link #DEFAULT_REPLICA_RETRY_AFTER}).
         *
         * @param delay a positive duration
         * @return this builder
         * @throws IllegalArgumentException when {@code delay} is zero or negative
         */
        public Builder replicaRetryAfter(Duration delay) {
            this.replicaRetryAfter = positive(delay, "replicaRetryAfter");
            return this;
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name + " must not be null");
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }

        /**
         * Builds the instance, pooling the factory unless it already is pooled (an r2dbc-pool {@link ConnectionPool},
         * or a factory that wraps one, r2dbc {@code Wrapped}, such as Spring's
         * {@code TransactionAwareConnectionFactoryProxy} or an r2dbc-proxy factory, which is then used as it is), and
         * the replicas likewise.
         *
         * @return the instance
         * @throws IllegalArgumentException when no dialect was set and none knows the database, or when a replica's
         *         database is of another kind than the primary
         * @throws IllegalStateException when a preload connection factory was set but the factory is not pooled
         */
        public Relata build() {
            Dialect d = this.dialect != null ? this.dialect : Dialect.detect(this.factory.getMetadata());
            Binder binder = new Binder(d, this.zone, new Catalog(d));
            List<ConnectionPool> owned = new ArrayList<>();
            Session session;
            ConnectionPool given = Pools.find(this.factory);
            if (given != null) {
                // Without a preload factory the caller's pool serves preload queries too: size it for one connection
                // per streaming owner query plus its preloads in flight.
                int size = given.getMetrics().map(m -> m.getMaxAllocatedSize()).orElse(this.maxConnections);
                Supervisor supervisor = new Supervisor(d, this.statementTimeout, this.connectTimeout,
                        this.acquireTimeout, given.unwrap(), false, size);
                ConnectionFactory preloads = this.preloadFactory != null ? this.preloadFactory : this.factory;
                session = Session.pooled(d, this.factory, preloads, this.onStatement, this.preloadBatchSize,
                        this.preloadConcurrency, supervisor, binder);
            }
            else {
                if (this.preloadFactory != null) {
                    // Relata's own pools get session settings (the statement timeout) a foreign preload pool lacks.
                    throw new IllegalStateException("preloadConnectionFactory needs a pooled factory (a "
                            + "ConnectionPool, or one wrapping it); over " + this.factory
                            + " Relata creates both its pools itself");
                }
                Supervisor supervisor = new Supervisor(d, this.statementTimeout, this.connectTimeout,
                        this.acquireTimeout, this.factory, true, this.maxConnections);
                ConnectionPool main = supervisor.pool(this.factory, "relata", this.maxConnections);
                ConnectionPool preloads = supervisor.pool(this.factory, "relata-preload",
                        Math.max(2, this.maxConnections / 2));
                owned.add(main);
                owned.add(preloads);
                session = Session.pooled(d, main, preloads, this.onStatement, this.preloadBatchSize,
                        this.preloadConcurrency, supervisor, binder);
            }
            // Hooks and preload limits before replicas: the replicas' sessions inherit them.
            session = session.withHooks(new Hooks(this.transactionBinding, this.observer))
                    .withPreloadLimits(this.preloadMaxRows, maxBatchSize(d));
            if (!this.replicas.isEmpty()) {
                ReplicaPools.Settings settings = new ReplicaPools.Settings(this.dialect == null, this.maxConnections,
                        this.statementTimeout, this.replicaConnectTimeout, this.acquireTimeout,
                        this.replicaRetryAfter);
                session = session.withReplicas(ReplicaPools.open(session, this.replicas, this.replicaNames, settings,
                        owned));
            }
            return new Relata(session, List.copyOf(owned));
        }

        private int maxBatchSize(Dialect d) {
            if (this.preloadMaxBatchSize > 0) {
                return Math.max(this.preloadBatchSize, this.preloadMaxBatchSize);
            }
            return d.supportsArrayKeySet() && !this.preloadBatchSizeSet
                    ? defaultMaxBatchSize(this.preloadBatchSize, Runtime.getRuntime().maxMemory())
                    : this.preloadBatchSize;
        }

    }

    /**
     * The default growth limit of preload batches: {@link #DEFAULT_PRELOAD_MAX_BATCH_SIZE}, or one owner per 32 KiB
     * of the maximum heap when that is fewer, but never below the batch size.
     *
     * @param batchSize the first batch's size
     * @param maxHeap the maximum heap in bytes ({@link Runtime#maxMemory()})
     * @return owners per preload query once grown
     */
    static int defaultMaxBatchSize(int batchSize, long maxHeap) {
        long byHeap = maxHeap / HEAP_PER_GROWN_OWNER;
        return (int) Math.max(batchSize, Math.min(DEFAULT_PRELOAD_MAX_BATCH_SIZE, byHeap));
    }
}
