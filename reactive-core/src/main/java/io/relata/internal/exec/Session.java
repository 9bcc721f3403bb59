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
import io.relata.spi.Operation;
import java.util.List;
import java.util.Objects;
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

    private final boolean offload;

    private final int fetchSize;

    private final AtomicInteger borrowed;

    private final Hooks hooks;

    private Session(Dialect dialect, @Nullable ConnectionFactory factory, @Nullable ConnectionFactory preloadFactory,
            @Nullable Connection connection, Consumer<String> onStatement, int preloadBatchSize, int preloadConcurrency,
            AtomicInteger borrowed, Hooks hooks) {
        this.borrowed = borrowed;
        this.hooks = hooks;
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
                new AtomicInteger(), Hooks.NONE);
    }

    /**
     * This session with a framework's hooks: a binding to the caller's own transactions, an observer.
     *
     * @param hooks the hooks
     * @return a session sharing this one's pools
     */
    public Session withHooks(Hooks hooks) {
        return new Session(this.dialect, this.factory, this.preloadFactory, this.connection, this.onStatement,
                this.preloadBatchSize, this.preloadConcurrency, this.borrowed, Objects.requireNonNull(hooks));
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
        if (this.connection != null) {
            return Flux.defer(() -> work.apply(this));
        }
        Session outside = this.hooks.transactions() == null ? this : withHooks(this.hooks.resolved());
        return this.hooks.resolve(outside, this::joined, work);
    }

    /** A session on the connection of a transaction someone else manages: Relata's own transaction, or the caller's. */
    private Session joined(Connection c) {
        return new Session(this.dialect, null, null, c, this.onStatement, this.preloadBatchSize,
                this.preloadConcurrency, this.borrowed, this.hooks.resolved());
    }

    private boolean bindable() {
        return this.connection == null && this.hooks.transactions() != null;
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
        if (this.connection != null || this.preloadFactory == null || this.preloadFactory == this.factory) {
            return this;
        }
        return new Session(this.dialect, this.preloadFactory, this.preloadFactory, null, this.onStatement,
                this.preloadBatchSize, this.preloadConcurrency, this.borrowed, this.hooks);
    }

    /** @return the dialect */
    public Dialect dialect() {
        return this.dialect;
    }

    /** @return owners per preload query */
    public int preloadBatchSize() {
        return this.preloadBatchSize;
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
        if (bindable()) {
            return resolved(s -> s.withConnection(work));
        }
        return offload(Flux.usingWhen(borrow(), work, this::giveBack));
    }

    /**
     * Runs work in a transaction on one connection: commits when it completes, rolls back when it fails or is
     * cancelled. Inside a transaction already (Relata's, or the caller's through the binding), the work joins it.
     *
     * @param work the work, given a session bound to the transaction
     * @param <R> the element type
     * @return the work's elements
     */
    public <R> Flux<R> transaction(Function<Session, ? extends Publisher<R>> work) {
        if (this.connection != null) {
            return Flux.defer(() -> work.apply(this));
        }
        if (bindable()) {
            // In the caller's transaction: join it, as inside our own.
            return resolved(s -> s.transaction(work));
        }
        return offload(Flux.usingWhen(borrow(),
                connection -> Flux.usingWhen(Mono.from(connection.beginTransaction()).thenReturn(connection),
                        c -> work.apply(joined(c)),
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
