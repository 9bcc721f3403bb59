package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.relata.dialect.Dialect;
import io.relata.internal.schema.Catalog;
import io.relata.internal.sql.Sql;
import io.relata.spi.Operation;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The only place that touches R2DBC connections, statements and results. A session either borrows a pooled
 * connection per operation, or runs everything on the one connection of a transaction.
 *
 * <p>Every method is cold: nothing is acquired or sent until subscription, and connections are scoped with
 * {@code usingWhen} so completion, error and cancellation all return them.
 */
public final class Session {

    private final Dialect dialect;

    private final @Nullable ConnectionFactory factory;

    private final @Nullable ConnectionFactory preloadFactory;

    private final @Nullable Lease lease;

    private final Supervisor supervisor;

    private final Consumer<String> onStatement;

    private final int preloadBatchSize;

    private final int preloadConcurrency;

    /** Where a statement's work runs: a blocking driver's moves off threads that must not block (offload). */
    private final Offload offload;

    /** Where a statement's work runs ({@link #offload(Flux)}). */
    private enum Offload {
        /** Where it is subscribed: a non-blocking driver. */
        NEVER,
        /** On {@code boundedElastic} when subscribed from a thread that must not block: a blocking driver. */
        FROM_NON_BLOCKING,
        /** Always on {@code boundedElastic}: a blocking driver's preload queries. */
        ALWAYS
    }

    private final int fetchSize;

    private final AtomicInteger borrowed;

    private final Binder binder;

    private final @Nullable Replicas replicas;

    private final Hooks hooks;

    private final PreloadTuning tuning;

    private Session(Dialect dialect, @Nullable ConnectionFactory factory, @Nullable ConnectionFactory preloadFactory,
            @Nullable Lease lease, Supervisor supervisor, Consumer<String> onStatement, int preloadBatchSize,
            int preloadConcurrency, AtomicInteger borrowed, Binder binder, Hooks hooks, PreloadTuning tuning,
            boolean preloads) {
        this.tuning = tuning;
        this.borrowed = borrowed;
        this.binder = binder;
        this.hooks = hooks;
        this.dialect = dialect;
        this.factory = factory;
        this.preloadFactory = preloadFactory;
        this.lease = lease;
        this.supervisor = supervisor;
        this.preloadConcurrency = preloadConcurrency;
        this.onStatement = onStatement;
        this.preloadBatchSize = preloadBatchSize;
        // A blocking driver (r2dbc-h2) runs on boundedElastic when subscribed from an event loop, and always for
        // preload queries (offload).
        this.offload = !dialect.blockingDriver() ? Offload.NEVER
                : preloads ? Offload.ALWAYS : Offload.FROM_NON_BLOCKING;
        this.fetchSize = dialect.streamingFetchSize();
        this.replicas = null;
    }

    /** A copy of a session with other replicas (or none): the same pools, connection, settings and hooks. */
    private Session(Session from, @Nullable Replicas replicas) {
        this(from, replicas, from.hooks, from.tuning);
    }

    /** A copy of a session with other replicas (or none), other hooks and other preload tuning. */
    private Session(Session from, @Nullable Replicas replicas, Hooks hooks, PreloadTuning tuning) {
        this.tuning = tuning;
        this.dialect = from.dialect;
        this.factory = from.factory;
        this.preloadFactory = from.preloadFactory;
        this.lease = from.lease;
        this.supervisor = from.supervisor;
        this.onStatement = from.onStatement;
        this.preloadBatchSize = from.preloadBatchSize;
        this.preloadConcurrency = from.preloadConcurrency;
        this.borrowed = from.borrowed;
        this.offload = from.offload;
        this.fetchSize = from.fetchSize;
        this.binder = from.binder;
        this.replicas = replicas;
        this.hooks = hooks;
    }

    /**
     * A session that borrows a connection from the factory for each operation.
     *
     * @param dialect the dialect
     * @param factory a (pooled) connection factory
     * @param preloadFactory the (pooled) connection factory preload queries borrow from; may be {@code factory}
     * @param onStatement sees each statement's SQL as it is sent
     * @param preloadBatchSize owners per preload query
     * @param preloadConcurrency preload queries in flight per association outside a transaction
     * @param supervisor the timeouts, and what happens to connections whose statements were abandoned
     * @param binder converts binds in the instance's zone for the live schema
     * @return the session
     */
    public static Session pooled(Dialect dialect, ConnectionFactory factory, ConnectionFactory preloadFactory,
            Consumer<String> onStatement, int preloadBatchSize, int preloadConcurrency, Supervisor supervisor,
            Binder binder) {
        return new Session(dialect, factory, preloadFactory, null, supervisor, onStatement, preloadBatchSize,
                preloadConcurrency, new AtomicInteger(), binder, Hooks.NONE, new PreloadTuning(Integer.MAX_VALUE,
                        preloadBatchSize, new ConcurrentHashMap<>()), false);
    }

    /**
     * This session, and every session derived from it, with a cap on the rows one to-many preload batch may hold and
     * on the owners of one batch as batches grow.
     *
     * @param rows rows per batch (targets fetched for one batch of owners)
     * @param maxBatchSize owners per batch once grown (the batch size itself: no growth)
     * @return a session that differs only in those caps
     */
    public Session withPreloadLimits(int rows, int maxBatchSize) {
        return new Session(this, this.replicas, this.hooks, new PreloadTuning(rows, maxBatchSize,
                this.tuning.hints()));
    }

    /**
     * A session with this one's dialect and settings on other pools (a replica's), with their own supervisor (the
     * replica's timeouts, and statements stopped on the replica itself), counting its own borrowed connections and
     * routing nothing.
     *
     * @param factory the (pooled) connection factory
     * @param preloadFactory the (pooled) connection factory preload queries borrow from; may be {@code factory}
     * @param supervisor the supervisor of those pools
     * @return the session
     */
    public Session on(ConnectionFactory factory, ConnectionFactory preloadFactory, Supervisor supervisor) {
        return new Session(this.dialect, factory, preloadFactory, null, supervisor, this.onStatement,
                this.preloadBatchSize, this.preloadConcurrency, new AtomicInteger(), this.binder, this.hooks.resolved(),
                this.tuning, false);
    }

    /**
     * This session with reads outside transactions routed to read replicas ({@link #read}).
     *
     * @param replicas the replicas
     * @return a new session sharing this one's pools
     */
    public Session withReplicas(Replicas replicas) {
        return new Session(this, Objects.requireNonNull(replicas, "replicas must not be null"));
    }

    /**
     * This session with its reads kept on the primary ({@code Query.primary()}); itself when it routes nothing.
     *
     * @return the session
     */
    public Session onPrimary() {
        if (this.replicas == null) {
            return this;
        }
        return new Session(this, null);
    }

    /**
     * Runs a read: the statement of a query and the preload statements it causes, as one unit. Outside a
     * transaction, with replicas configured and the primary not asked for (by {@link #onPrimary()} or the Reactor
     * Context key {@link Replicas#PRIMARY_KEY}), the work gets a replica's session and may be run again on another
     * server when one fails ({@link Replicas}); otherwise it gets this session. Writes never come here.
     *
     * @param work the read, given the session to run on
     * @param <R> the element type
     * @return the read's elements
     */
    public <R> Flux<R> read(Function<Session, ? extends Publisher<R>> work) {
        if (bindable()) {
            // Inside the caller's own transaction a read runs on its connection, never on a replica.
            return resolved(s -> s.read(work));
        }
        Replicas r = this.replicas;
        if (r == null || this.lease != null) {
            return Flux.defer(() -> work.apply(this));
        }
        return Flux.deferContextual(context -> Replicas.primaryRequested(context)
                ? Flux.from(work.apply(onPrimary())) : r.read(onPrimary(), work));
    }

    /**
     * This session with a framework's hooks: a binding to the caller's own transactions, an observer.
     *
     * @param hooks the hooks
     * @return a session sharing this one's pools
     */
    public Session withHooks(Hooks hooks) {
        return new Session(this, this.replicas, Objects.requireNonNull(hooks, "hooks must not be null"), this.tuning);
    }

    /**
     * Runs work on the session this one stands for at subscription time. Usually that is this session; when a
     * {@link io.relata.spi.TransactionBinding} is set and the subscriber is in the caller's own transaction, it is a
     * session on that transaction's connection (which Relata never commits, rolls back or closes), so the work takes
     * the one-connection paths of {@link #transaction}. Outside, it is this session without the binding: one lookup
     * per operation, however many statements the work sends.
     *
     * @param work the work, given the session to run on
     * @param <R> the element type
     * @return the work's elements
     */
    public <R> Flux<R> resolved(Function<Session, ? extends Publisher<R>> work) {
        if (this.lease != null) {
            return Flux.defer(() -> work.apply(this));
        }
        Session outside = this.hooks.transactions() == null ? this : withHooks(this.hooks.resolved());
        return this.hooks.resolve(outside, this::joined, work);
    }

    /**
     * A session on the connection of the caller's own transaction. Its lease claims no server-side statement timeout
     * (Relata did not prepare that connection, so it enforces a timeout itself), and nothing ever releases it: the
     * connection's owner ends the transaction and returns the connection.
     */
    private Session joined(Connection c) {
        return joined(new Lease(c, false));
    }

    /** A session on the connection of a transaction: Relata's own, or the caller's. */
    private Session joined(Lease lease) {
        return new Session(this.dialect, null, null, lease, this.supervisor, this.onStatement, this.preloadBatchSize,
                this.preloadConcurrency, this.borrowed, this.binder, this.hooks.resolved(), this.tuning, false);
    }

    private boolean bindable() {
        return this.lease == null && this.hooks.transactions() != null;
    }

    /** @return the framework's hooks */
    public Hooks hooks() {
        return this.hooks;
    }

    /** @return whether an observer is set */
    public boolean observed() {
        return this.hooks.observed();
    }

    /**
     * Observes a query-like operation, when an observer is set.
     *
     * @param kind the operation
     * @param entity the entity, or {@code null}
     * @param flux the operation's publisher
     * @param <T> the element type
     * @return the observed publisher
     */
    public <T> Flux<T> observe(Operation.Kind kind, @Nullable Class<?> entity, Flux<T> flux) {
        return this.hooks.observed()
                ? this.hooks.observe(new Operation(kind, entity, this.dialect.name(), null, 0), flux) : flux;
    }

    /**
     * Observes a single-result operation, when an observer is set.
     *
     * @param kind the operation
     * @param entity the entity, or {@code null}
     * @param mono the operation's publisher
     * @param <T> the element type
     * @return the observed publisher
     */
    public <T> Mono<T> observe(Operation.Kind kind, @Nullable Class<?> entity, Mono<T> mono) {
        return this.hooks.observed()
                ? this.hooks.observe(new Operation(kind, entity, this.dialect.name(), null, 0), mono) : mono;
    }

    /**
     * Observes one preload batch, when an observer is set.
     *
     * @param owner the owners' entity
     * @param association the association's name
     * @param keys the number of distinct keys the batch asks for
     * @param flux the batch's publisher
     * @param <T> the element type
     * @return the observed publisher
     */
    public <T> Flux<T> observePreload(Class<?> owner, String association, int keys, Flux<T> flux) {
        return this.hooks.observed() ? this.hooks.observe(new Operation(Operation.Kind.PRELOAD, owner,
                this.dialect.name(), association, keys), flux) : flux;
    }

    /**
     * The session preload queries run on. Outside a transaction it borrows from the preload pool: a stream holds
     * its owners' connection while it waits for a preload connection, so if both came from one pool, as many
     * concurrent streams as the pool has connections would each hold one and wait forever for a second. Preload
     * queries run to completion without waiting for anything else, so a separate pool cannot run dry for good.
     * Inside a transaction it is this session.
     *
     * @return the session for preload queries
     */
    public Session forPreloads() {
        if (this.lease != null || this.preloadFactory == null || this.preloadFactory == this.factory) {
            return this;
        }
        // Always off the subscribing thread: a preload query is subscribed from the owners' stream, and on a blocking
        // driver it would otherwise run inside it, one batch at a time (H2, 10,000 users: 1.16 of the hand-written
        // two queries in place, 0.87 on boundedElastic beside the owners).
        return new Session(this.dialect, this.preloadFactory, this.preloadFactory, null, this.supervisor,
                this.onStatement, this.preloadBatchSize, this.preloadConcurrency, this.borrowed, this.binder,
                this.hooks, this.tuning, true);
    }

    /** @return the dialect */
    public Dialect dialect() {
        return this.dialect;
    }

    /** @return the binder: the instance's zone, conversions and live schema */
    public Binder binder() {
        return this.binder;
    }

    /** @return the live schema */
    public Catalog catalog() {
        return this.binder.catalog();
    }

    /**
     * Reads the tables the catalog has not read yet, on this session's connection (one borrowed for it outside a
     * transaction); nothing is sent when every table is known.
     *
     * @param tables table names as Relata names them
     * @return completes when they are known
     */
    public Mono<Void> loadCatalog(Collection<String> tables) {
        return Mono.defer(() -> catalog().unread(tables).isEmpty() ? Mono.empty()
                : withConnection(lease -> catalog().load(tables, sql -> rows(lease, sql))).then());
    }

    /**
     * Reads tables from the catalog again, as {@code migrate} does after changing them.
     *
     * @param tables table names as Relata names them
     * @return completes when they are known
     */
    public Mono<Void> refreshCatalog(Collection<String> tables) {
        return withConnection(lease -> catalog().refresh(tables, sql -> rows(lease, sql))).then();
    }

    /** A catalog query's rows, every column read untyped. */
    private Flux<@Nullable Object[]> rows(Lease lease, Sql sql) {
        return select(lease, sql, (row, metadata) -> {
            Object[] values = new Object[metadata.getColumnMetadatas().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(i);
            }
            return values;
        });
    }

    /**
     * A value headed to a mapped column is converted for the column's real type: the first statement that binds one
     * of a table's columns reads that table's catalog first, on the same (idle) connection.
     */
    private <R> Flux<R> withCatalog(Lease lease, Sql sql, Flux<R> statement) {
        List<String> unread = this.binder.unreadTables(sql);
        return unread.isEmpty() ? statement : catalog().load(unread, query -> rows(lease, query)).thenMany(statement);
    }

    /** @return owners per preload query */
    public int preloadBatchSize() {
        return this.preloadBatchSize;
    }

    /** @return preload queries in flight per association: the configured value, or 1 inside a transaction */
    public int preloadConcurrency() {
        return this.lease != null ? 1 : this.preloadConcurrency;
    }

    /**
     * @return owners per preload query once batches have grown (io.relata.preload.BatchPreload's maxBatchSize):
     *         {@link #preloadBatchSize()} where batches do not grow
     */
    public int preloadMaxBatchSize() {
        return this.tuning.maxBatchSize();
    }

    /**
     * @return about how many fetched rows one to-many preload batch may hold: a to-many preload cuts its batches to
     *         fit (io.relata.preload.BatchPreload's maxValuesPerBatch)
     */
    public int preloadMaxRows() {
        return this.tuning.maxRows();
    }

    /**
     * A cache of this instance's preloads, shared by every session derived from it (preload, transaction, replica):
     * what earlier streams learnt of each association (io.relata.preload.BatchPreload's sizing hints). Per instance,
     * so two {@code Relata}s never influence each other's statements.
     *
     * @param key the association
     * @param create makes the value on first use
     * @param <V> the value type
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public <V> V preloadHint(Object key, java.util.function.Supplier<V> create) {
        return (V) this.tuning.hints().computeIfAbsent(key, k -> create.get());
    }

    /**
     * How preloads of one instance are sized: the rows a batch may hold, the owners once batches grew, and what
     * earlier streams learnt.
     *
     * @param maxRows rows per batch
     * @param maxBatchSize owners per batch once grown
     * @param hints the learnt sizes, by association
     */
    private record PreloadTuning(int maxRows, int maxBatchSize, ConcurrentMap<Object, Object> hints) {
    }

    /** @return whether this session runs on one transaction's connection */
    public boolean inTransaction() {
        return this.lease != null;
    }

    /** @return whether this dialect streams a server-side cursor within a transaction ({@code DECLARE ... CURSOR}) */
    public boolean supportsCursors() {
        return this.dialect.supportsCursors();
    }

    /**
     * A blocking driver's work (r2dbc-h2 runs each statement on the thread that subscribes to it) moves to
     * {@code boundedElastic} when it is subscribed from a thread that must not block: an event loop of reactor-netty
     * (WebFlux), Reactor's {@code parallel} or {@code single} workers ({@link Schedulers#isInNonBlockingThread()}).
     * From any other thread it runs where it is subscribed, as the driver does: moving it anyway made every H2 query
     * hop to another worker, which cost 40% (10,000 users: 19.6 ms against 13.4 ms in place, and 14.2 ms for the
     * hand-written code; users with their card joined: 50.9 against 33.0 and 34.6 ms). A preload session's queries
     * always move: they then run beside the owners' stream instead of inside it.
     */
    private <R> Flux<R> offload(Flux<R> flux) {
        return switch (this.offload) {
            case NEVER -> flux;
            case ALWAYS -> flux.subscribeOn(Schedulers.boundedElastic());
            case FROM_NON_BLOCKING -> Flux.defer(() -> Schedulers.isInNonBlockingThread()
                    ? flux.subscribeOn(Schedulers.boundedElastic()) : flux);
        };
    }

    /**
     * Runs work on a connection: the transaction's, or one borrowed from the pool and returned when the work
     * terminates or is cancelled (closed instead when one of its statements may still be running on the server).
     */
    private <R> Flux<R> withConnection(Function<Lease, ? extends Publisher<R>> work) {
        Lease l = this.lease;
        if (l != null) {
            return Flux.defer(() -> work.apply(l));
        }
        if (bindable()) {
            return resolved(s -> s.withConnection(work));
        }
        return offload(Flux.usingWhen(borrow(),
                lease -> this.supervisor.prepare(lease).thenMany(Flux.defer(() -> work.apply(lease))),
                this::giveBack,
                (lease, error) -> giveBack(lease),
                this::giveBack));
    }

    /**
     * Runs work in a transaction on one connection: commits when it completes, rolls back when it fails or is
     * cancelled. Inside a transaction already (Relata's, or the caller's through the binding), the work joins it.
     *
     * <p>One {@code usingWhen} holds both the connection and the transaction, so that each outcome ends them in
     * order: after a cancel, the abandoned statement is dealt with first, then the rollback runs, then the
     * connection goes back (two nested scopes would release the connection while the rollback still runs).
     *
     * @param work the work, given a session bound to the transaction
     * @param <R> the element type
     * @return the work's elements
     */
    public <R> Flux<R> transaction(Function<Session, ? extends Publisher<R>> work) {
        if (this.lease != null) {
            return Flux.defer(() -> work.apply(this));
        }
        if (bindable()) {
            // In the caller's transaction: join it, as inside our own.
            return resolved(s -> s.transaction(work));
        }
        // The commit is part of the work, not of its cleanup: Reactor wraps a failed completion cleanup in a
        // RuntimeException ("Async resource cleanup failed after onComplete"), and a failed commit must reach the
        // subscriber as the driver's R2dbcException (seen when the fault tests restarted PostgreSQL mid-commit).
        return offload(Flux.usingWhen(borrow(),
                lease -> this.supervisor.prepare(lease).then(this.supervisor.begin(lease))
                        .thenMany(Flux.defer(() -> work.apply(joined(lease))))
                        .concatWith(commit(lease)),
                lease -> giveBack(lease),
                (lease, error) -> counted(this.supervisor.rollbackAndRelease(lease)),
                lease -> counted(this.supervisor.rollbackAndRelease(lease))));
    }

    private static <R> Mono<R> commit(Lease lease) {
        return Mono.defer(() -> Mono.from(lease.connection().commitTransaction())).then(Mono.empty());
    }

    /**
     * Connections borrowed from the pool and not yet fully given back. r2dbc-pool returns a connection
     * asynchronously (after a cancel, after the subscriber has moved on), and disposing the pool while that is in
     * flight makes reactor-pool count the permit twice ("Too many permits returned"); {@code Relata.close()} waits
     * for this to reach zero first.
     *
     * @return the number of connections out
     */
    public int borrowedConnections() {
        Replicas r = this.replicas;
        return this.borrowed.get() + (r == null ? 0 : r.borrowedConnections());
    }

    private Mono<Lease> borrow() {
        ConnectionFactory f = Objects.requireNonNull(this.factory);
        return this.supervisor.acquire(f, this::giveBackUnused).map(c -> {
            this.borrowed.incrementAndGet();
            return this.supervisor.lease(c);
        });
    }

    /** Returns a connection that came after its borrower cancelled or timed out; nothing ran on it. */
    private void giveBackUnused(Connection connection) {
        this.borrowed.incrementAndGet();
        counted(Supervisor.giveBack(connection)).subscribe();
    }

    private Mono<Void> giveBack(Lease lease) {
        return counted(this.supervisor.release(lease));
    }

    private Mono<Void> counted(Mono<Void> release) {
        return release.doFinally(signal -> this.borrowed.decrementAndGet());
    }

    /**
     * Runs a query and maps its rows.
     *
     * @param sql the statement
     * @param mapper maps one row
     * @param <R> the element type
     * @return the mapped rows
     */
    public <R> Flux<R> select(Sql sql, BiFunction<Row, RowMetadata, R> mapper) {
        return withConnection(lease -> select(lease, sql, mapper));
    }

    private <R> Flux<R> select(Lease lease, Sql sql, BiFunction<Row, RowMetadata, R> mapper) {
        return withCatalog(lease, sql, offload(this.supervisor.guard(lease, sql.text(),
                execute(lease.connection(), sql, null, this.fetchSize).concatMap(result -> result.map(mapper)))));
    }

    /**
     * Runs a statement and sums the rows it changed.
     *
     * @param sql the statement
     * @return the number of rows changed
     */
    public Mono<Long> update(Sql sql) {
        return withConnection(lease -> update(lease, sql)).reduce(0L, Long::sum);
    }

    private Flux<Long> update(Lease lease, Sql sql) {
        return withCatalog(lease, sql, offload(this.supervisor.guard(lease, sql.text(),
                execute(lease.connection(), sql, null, 0).concatMap(Result::getRowsUpdated))));
    }

    /**
     * Runs statements one after the other on one connection and sums the rows they changed.
     *
     * @param statements the statements
     * @return the number of rows changed
     */
    public Mono<Long> updateAll(List<Sql> statements) {
        if (statements.isEmpty()) {
            return Mono.just(0L);
        }
        return withConnection(lease -> Flux.fromIterable(statements).concatMap(sql -> update(lease, sql)))
                .reduce(0L, Long::sum);
    }

    /**
     * Runs an {@code INSERT} and emits the generated keys, one per inserted row, in order.
     *
     * @param sql the statement
     * @param keyColumn the generated key column
     * @return the generated keys
     */
    public Flux<Object> insert(Sql sql, String keyColumn) {
        return withConnection(lease -> withCatalog(lease, sql, offload(this.supervisor.guard(lease, sql.text(),
                execute(lease.connection(), sql, keyColumn, 0).concatMap(result -> result.map((row, meta) ->
                        Objects.requireNonNull(row.get(0), "generated key")))))));
    }

    private Flux<Result> execute(Connection connection, Sql sql, @Nullable String generatedKey, int fetchSize) {
        return Flux.defer(() -> {
            Statement statement = connection.createStatement(sql.text());
            this.binder.bind(statement, sql);
            if (generatedKey != null) {
                statement.returnGeneratedValues(this.dialect.generatedKeyColumn(generatedKey));
            }
            if (fetchSize > 0) {
                statement.fetchSize(fetchSize);
            }
            this.onStatement.accept(sql.text());
            return Flux.<Result>from(statement.execute());
        });
    }
}
