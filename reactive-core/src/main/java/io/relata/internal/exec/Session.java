package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.relata.dialect.Dialect;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Sql;
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

    private final @Nullable Connection connection;

    private final Consumer<String> onStatement;

    private final int preloadBatchSize;

    private final int preloadConcurrency;

    private final int preloadMaxRows;

    private final boolean offload;

    private final int fetchSize;

    private final AtomicInteger borrowed;

    private final ConcurrentMap<Object, Object> preloadHints;

    private Session(Dialect dialect, @Nullable ConnectionFactory factory, @Nullable ConnectionFactory preloadFactory,
            @Nullable Connection connection, Consumer<String> onStatement, int preloadBatchSize, int preloadConcurrency,
            int preloadMaxRows, AtomicInteger borrowed, ConcurrentMap<Object, Object> preloadHints) {
        this.borrowed = borrowed;
        this.preloadHints = preloadHints;
        this.preloadMaxRows = preloadMaxRows;
        this.dialect = dialect;
        this.factory = factory;
        this.preloadFactory = preloadFactory;
        this.connection = connection;
        this.preloadConcurrency = preloadConcurrency;
        this.onStatement = onStatement;
        this.preloadBatchSize = preloadBatchSize;
        // A blocking driver (r2dbc-h2) runs on boundedElastic, so a query subscribed from an event loop never blocks
        // that loop.
        this.offload = dialect.blockingDriver();
        this.fetchSize = dialect.streamingFetchSize();
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
     * @return the session
     */
    public static Session pooled(Dialect dialect, ConnectionFactory factory, ConnectionFactory preloadFactory,
            Consumer<String> onStatement, int preloadBatchSize, int preloadConcurrency) {
        return new Session(dialect, factory, preloadFactory, null, onStatement, preloadBatchSize, preloadConcurrency,
                Integer.MAX_VALUE, new AtomicInteger(), new ConcurrentHashMap<>());
    }

    /**
     * This session with a cap on the rows one preload batch may hold.
     *
     * @param rows rows per batch (targets fetched for one batch of owners)
     * @return a session that differs only in that cap
     */
    public Session withPreloadMaxRows(int rows) {
        return new Session(this.dialect, this.factory, this.preloadFactory, this.connection, this.onStatement,
                this.preloadBatchSize, this.preloadConcurrency, rows, this.borrowed, this.preloadHints);
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
        if (this.connection != null || this.preloadFactory == null || this.preloadFactory == this.factory) {
            return this;
        }
        return new Session(this.dialect, this.preloadFactory, this.preloadFactory, null, this.onStatement,
                this.preloadBatchSize, this.preloadConcurrency, this.preloadMaxRows, this.borrowed,
                this.preloadHints);
    }

    /** @return the dialect */
    public Dialect dialect() {
        return this.dialect;
    }

    /** @return owners per preload query */
    public int preloadBatchSize() {
        return this.preloadBatchSize;
    }

    /**
     * @return about how many fetched rows one preload batch may hold: a to-many preload cuts its batches to fit
     *         (io.relata.preload.BatchPreload's maxValuesPerBatch)
     */
    public int preloadMaxRows() {
        return this.preloadMaxRows;
    }

    /**
     * A cache of this instance's preloads, shared by every session derived from it (preload, transaction): what
     * earlier streams learnt of each association (io.relata.preload.BatchPreload's sizing hints). Per instance, so
     * two {@code Relata}s never influence each other's statements.
     *
     * @param key the association
     * @param create makes the value on first use
     * @param <V> the value type
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public <V> V preloadHint(Object key, java.util.function.Supplier<V> create) {
        return (V) this.preloadHints.computeIfAbsent(key, k -> create.get());
    }

    /** @return preload queries in flight per association: the configured value, or 1 inside a transaction */
    public int preloadConcurrency() {
        return this.connection != null ? 1 : this.preloadConcurrency;
    }

    /** @return whether this session runs on one transaction's connection */
    public boolean inTransaction() {
        return this.connection != null;
    }

    /** @return whether this dialect streams a server-side cursor within a transaction ({@code DECLARE ... CURSOR}) */
    public boolean supportsCursors() {
        return this.dialect.supportsCursors();
    }

    private <R> Flux<R> offload(Flux<R> flux) {
        return this.offload ? flux.subscribeOn(Schedulers.boundedElastic()) : flux;
    }

    /**
     * Runs work on a connection: the transaction's, or one borrowed from the pool and returned when the work
     * terminates or is cancelled.
     *
     * @param work the work
     * @param <R> the element type
     * @return the work's elements
     */
    public <R> Flux<R> withConnection(Function<Connection, ? extends Publisher<R>> work) {
        Connection c = this.connection;
        if (c != null) {
            return Flux.defer(() -> work.apply(c));
        }
        return offload(Flux.usingWhen(borrow(), work, this::giveBack));
    }

    /**
     * Runs work in a transaction on one connection: commits when it completes, rolls back when it fails or is
     * cancelled. Inside a transaction already, the work joins it.
     *
     * @param work the work, given a session bound to the transaction
     * @param <R> the element type
     * @return the work's elements
     */
    public <R> Flux<R> transaction(Function<Session, ? extends Publisher<R>> work) {
        if (this.connection != null) {
            return Flux.defer(() -> work.apply(this));
        }
        return offload(Flux.usingWhen(borrow(),
                connection -> Flux.usingWhen(Mono.from(connection.beginTransaction()).thenReturn(connection),
                        c -> work.apply(new Session(this.dialect, null, null, c, this.onStatement,
                                this.preloadBatchSize, this.preloadConcurrency, this.preloadMaxRows, this.borrowed,
                                this.preloadHints)),
                        Connection::commitTransaction,
                        (c, error) -> c.rollbackTransaction(),
                        Connection::rollbackTransaction),
                this::giveBack));
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
        return this.borrowed.get();
    }

    private Mono<Connection> borrow() {
        ConnectionFactory f = Objects.requireNonNull(this.factory);
        return Mono.<Connection>from(f.create()).doOnNext(c -> this.borrowed.incrementAndGet());
    }

    private Mono<Void> giveBack(Connection connection) {
        return Mono.from(connection.close()).doFinally(signal -> this.borrowed.decrementAndGet());
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
        return withConnection(c -> select(c, sql, mapper));
    }

    /**
     * Runs a query on a given connection and maps its rows.
     *
     * @param connection the connection
     * @param sql the statement
     * @param mapper maps one row
     * @param <R> the element type
     * @return the mapped rows
     */
    public <R> Flux<R> select(Connection connection, Sql sql, BiFunction<Row, RowMetadata, R> mapper) {
        return offload(execute(connection, sql, null, this.fetchSize).concatMap(result -> result.map(mapper)));
    }

    /**
     * Runs a statement and sums the rows it changed.
     *
     * @param sql the statement
     * @return the number of rows changed
     */
    public Mono<Long> update(Sql sql) {
        return withConnection(c -> update(c, sql)).reduce(0L, Long::sum);
    }

    private Flux<Long> update(Connection connection, Sql sql) {
        return offload(execute(connection, sql, null, 0).concatMap(Result::getRowsUpdated));
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
        return withConnection(c -> Flux.fromIterable(statements).concatMap(sql -> update(c, sql))).reduce(0L, Long::sum);
    }

    /**
     * Runs an {@code INSERT} and emits the generated keys, one per inserted row, in order.
     *
     * @param sql the statement
     * @param keyColumn the generated key column
     * @return the generated keys
     */
    public Flux<Object> insert(Sql sql, String keyColumn) {
        return withConnection(c -> offload(execute(c, sql, keyColumn, 0)
                .concatMap(result -> result.map((row, meta) -> Objects.requireNonNull(row.get(0), "generated key")))));
    }

    private Flux<Result> execute(Connection connection, Sql sql, @Nullable String generatedKey, int fetchSize) {
        return Flux.defer(() -> {
            Statement statement = connection.createStatement(sql.text());
            List<Bind> binds = sql.binds();
            for (int i = 0; i < binds.size(); i++) {
                Bind bind = binds.get(i);
                Object value = bind.value();
                if (value == null) {
                    statement.bindNull(i, bind.nullType());
                }
                else {
                    statement.bind(i, value);
                }
            }
            if (generatedKey != null) {
                statement.returnGeneratedValues(generatedKey);
            }
            if (fetchSize > 0) {
                statement.fetchSize(fetchSize);
            }
            this.onStatement.accept(sql.text());
            return Flux.<Result>from(statement.execute());
        });
    }
}
