package io.relata;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.migrate.Migrator;
import io.relata.internal.repo.DefaultRepository;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.SqlBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
 * transaction's one connection.
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
     * @param url the R2DBC URL
     * @return a connected instance; no connection is opened until the first operation
     * @throws IllegalArgumentException when no driver accepts the URL or the database has no dialect
     */
    public static Relata connect(String url) {
        Objects.requireNonNull(url, "url must not be null");
        return builder(ConnectionFactories.get(Urls.tune(url))).build();
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
     * Starts configuring an instance connected to an R2DBC URL, tuned as {@link #connect(String)} describes.
     *
     * @param url the R2DBC URL
     * @return a builder
     * @throws IllegalArgumentException when no driver accepts the URL
     */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url must not be null");
        return builder(ConnectionFactories.get(Urls.tune(url)));
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
     * Creates or updates the tables of entities: tables (referenced ones first), missing columns, indexes,
     * unique indexes and foreign-key constraints (added after every table exists). A many-to-many association's join
     * table is created with the entities (composite primary key, a constraint to each side with {@code ON DELETE
     * CASCADE} unless mapped otherwise), and the foreign-key columns to-many preloads filter on are indexed.
     * Idempotent: running it again changes nothing.
     *
     * @param entities the entity classes
     * @return completes when the schema matches; an error signal for a database error
     * @throws MappingException synchronously, when an entity or relationship cannot be mapped
     */
    public Mono<Void> migrate(Class<?>... entities) {
        Objects.requireNonNull(entities, "entities must not be null");
        return new Migrator(this.session).migrate(entities);
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
     * rolls back when it signals an error or the subscriber cancels. Called inside a transaction, the work joins it.
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
        return this.session.update(new SqlBuilder(this.session.dialect()).fragment(fragment).build());
    }

    /**
     * The dialect in use.
     *
     * @return the dialect
     */
    public Dialect dialect() {
        return this.session.dialect();
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

        private int preloadConcurrency = DEFAULT_PRELOAD_CONCURRENCY;

        private int preloadMaxRows = DEFAULT_PRELOAD_MAX_ROWS;

        private int maxConnections = Math.max(10, Runtime.getRuntime().availableProcessors() * 2);

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
         * Sets how many owners one preload query covers (default {@link #DEFAULT_PRELOAD_BATCH_SIZE}).
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
         * Builds the instance, pooling the factory unless it is an r2dbc-pool {@link ConnectionPool}.
         *
         * @return the instance
         * @throws IllegalArgumentException when no dialect was set and none knows the database
         */
        public Relata build() {
            Dialect d = this.dialect != null ? this.dialect : Dialect.detect(this.factory.getMetadata());
            if (this.factory instanceof ConnectionPool pool) {
                // The caller's pool serves preload queries too: size it for one connection per streaming owner
                // query plus its preloads in flight.
                return new Relata(Session.pooled(d, pool, pool, this.onStatement, this.preloadBatchSize,
                        this.preloadConcurrency).withPreloadMaxRows(this.preloadMaxRows), List.of());
            }
            ConnectionPool main = new ConnectionPool(ConnectionPoolConfiguration.builder(this.factory)
                    .name("relata").initialSize(0).maxSize(this.maxConnections).build());
            ConnectionPool preloads = new ConnectionPool(ConnectionPoolConfiguration.builder(this.factory)
                    .name("relata-preload").initialSize(0).maxSize(Math.max(2, this.maxConnections / 2)).build());
            return new Relata(Session.pooled(d, main, preloads, this.onStatement, this.preloadBatchSize,
                    this.preloadConcurrency).withPreloadMaxRows(this.preloadMaxRows), List.of(main, preloads));
        }
    }
}
