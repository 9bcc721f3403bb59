package io.relata.internal.exec;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.ValidationDepth;
import io.relata.dialect.Dialect;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Timeouts and the return of connections: how long a connection may take to open, to be handed out and to run a
 * statement, and what happens to a connection whose statement was abandoned.
 *
 * <p>An abandoned statement (issue 9: "on MariaDB a cancelled or timed-out query keeps running on the server and
 * the next query on that pooled connection waits for it"; PostgreSQL and H2 behave the same, measured with a
 * 3-second statement cancelled after 300 ms) is never handed on with its connection. The connection is pinged: on
 * PostgreSQL and MariaDB the ping queues behind the statement, so its answer within {@link #CANCEL_GRACE} means the
 * statement has ended (a stream's last rows drained, typically) and the connection goes back to the pool. Otherwise,
 * and always on H2 (whose sessions run statements side by side, so a ping proves nothing), the statement is stopped
 * on the server from a second connection ({@link StatementStopper}) and the connection is closed instead of
 * returned, so no later user can meet a late cancel or a statement still running.
 */
public final class Supervisor {

    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());

    /**
     * How long an abandoned statement may take to end by itself. A cancelled stream drains its last fetch on
     * PostgreSQL in 8-75 ms (shared/DRIVERS.md); a statement still running after this is stopped on the server.
     */
    static final Duration CANCEL_GRACE = Duration.ofMillis(100);

    /** Threads for settling connections of blocking drivers (see {@link #settling(Mono)}); idle ones end. */
    private static final Scheduler SETTLEMENTS = Schedulers.newBoundedElastic(4, Integer.MAX_VALUE, "relata-settle",
            60, true);

    /** r2dbc-pool 1.0.2's {@code Validation}: the message of an idle connection found dead when it is acquired. */
    private static final String VALIDATION_FAILED = "Connection validation failed";

    private final Dialect dialect;

    private final Duration statementTimeout;

    private final Duration connectTimeout;

    private final Duration acquireTimeout;

    private final boolean ownsPools;

    private final @Nullable String sessionTimeout;

    private final int deadConnectionRetries;

    private final StatementStopper stopper;

    /**
     * @param dialect the dialect
     * @param statementTimeout the statement timeout, {@link Duration#ZERO} for none
     * @param connectTimeout the connect timeout the owned pools apply, {@link Duration#ZERO} for none
     * @param acquireTimeout how long a borrower waits for a pooled connection, {@link Duration#ZERO} for ever
     * @param sideFactory unpooled connections to stop statements from; {@code null} to close connections instead
     * @param ownsPools whether Relata created the pools (and so sets their connections' session timeout)
     * @param poolSize the largest pool: how many dead idle connections one borrow may have to skip
     */
    public Supervisor(Dialect dialect, Duration statementTimeout, Duration connectTimeout, Duration acquireTimeout,
            @Nullable ConnectionFactory sideFactory, boolean ownsPools, int poolSize) {
        this.dialect = dialect;
        this.statementTimeout = statementTimeout;
        this.connectTimeout = connectTimeout;
        this.acquireTimeout = acquireTimeout;
        this.ownsPools = ownsPools;
        this.sessionTimeout = statementTimeout.isZero() ? null
                : dialect.sessionStatementTimeout(statementTimeout).orElse(null);
        this.deadConnectionRetries = poolSize + 1;
        this.stopper = new StatementStopper(dialect, sideFactory);
    }

    /**
     * The factory Relata's own pools open connections with: each new connection gets the session's statement timeout
     * and has its server-side id read, once.
     *
     * @param factory the driver's connection factory
     * @return the factory to pool
     */
    ConnectionFactory preparing(ConnectionFactory factory) {
        return new PreparedConnections(factory, connection -> offload(Mono.defer(() -> {
            String timeout = this.sessionTimeout;
            Mono<Void> setTimeout = timeout == null ? Mono.empty()
                    : Flux.from(connection.createStatement(timeout).execute()).flatMap(Result::getRowsUpdated).then();
            return setTimeout.then(this.stopper.readId(connection));
        })));
    }

    /**
     * One of the pools Relata creates: connections prepared once ({@link #preparing(ConnectionFactory)}), opened
     * within the connect timeout, and {@code acquireRetry(0)}: borrows are retried only when the pool handed out a
     * dead connection ({@link #acquire(ConnectionFactory)}), where r2dbc-pool would retry any failure once (a
     * refused connection twice).
     *
     * @param factory the driver's connection factory
     * @param name the pool's name
     * @param size its greatest number of connections
     * @return the pool
     */
    public ConnectionPool pool(ConnectionFactory factory, String name, int size) {
        ConnectionPoolConfiguration.Builder config = ConnectionPoolConfiguration.builder(preparing(factory))
                .name(name).initialSize(0).maxSize(size).acquireRetry(0);
        if (!this.connectTimeout.isZero()) {
            config.maxCreateConnectionTime(this.connectTimeout);
        }
        return new ConnectionPool(config.build());
    }

    /**
     * Borrows a connection, skipping idle ones found dead (a restarted server, a killed backend): r2dbc-pool
     * validates an idle connection when it hands it out, and retries a failed one only as often as its
     * {@code acquireRetry} (once by default), so after a restart every dead connection but one would reach a
     * borrower as an error.
     *
     * <p>Neither the acquire timeout nor the borrower's cancel reaches the pool (see {@link Handover}): a connection
     * that comes after either goes to {@code lateArrival}. The borrower must take the connection straight into
     * {@code usingWhen} (operators that drop an element after a cancel, such as {@code timeout}, would lose it).
     *
     * @param pool the pool
     * @param lateArrival gives back a connection that came after its borrower cancelled or timed out
     * @return the connection; an {@link R2dbcTimeoutException} when none came in time
     */
    Mono<Connection> acquire(ConnectionFactory pool, Consumer<Connection> lateArrival) {
        Mono<Connection> borrow = Mono.<Connection>from(pool.create())
                .onErrorMap(TimeoutException.class, e -> new R2dbcTimeoutException(
                        "Could not connect to the database within " + this.connectTimeout + " (connectTimeout)", e))
                .retryWhen(Retry.max(this.deadConnectionRetries).filter(Supervisor::deadConnection)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
        Duration timeout = this.acquireTimeout;
        return new Handover(borrow, lateArrival, timeout, () -> new R2dbcTimeoutException(
                "No pooled connection became available within " + timeout + " (acquireTimeout)",
                new TimeoutException("No connection within " + timeout)));
    }

    private static boolean deadConnection(Throwable error) {
        return error instanceof R2dbcNonTransientResourceException && VALIDATION_FAILED.equals(error.getMessage());
    }

    /** @return a lease of a connection just borrowed */
    Lease lease(Connection connection) {
        return new Lease(connection, this.ownsPools && this.sessionTimeout != null);
    }

    /**
     * Readies a borrowed connection: on a pool Relata does not own, reads its server-side id the first time it is
     * seen.
     */
    Mono<Void> prepare(Lease lease) {
        Connection physical = lease.physicalConnection();
        return this.stopper.needsId(physical) ? offload(this.stopper.readId(physical)) : Mono.empty();
    }

    /**
     * Begins a transaction; on a connection whose session has no statement timeout, gives the transaction one where
     * the database can ({@link Dialect#transactionStatementTimeout(Duration)}).
     */
    Mono<Void> begin(Lease lease) {
        Mono<Void> begin = Mono.from(lease.connection().beginTransaction());
        if (this.statementTimeout.isZero() || lease.serverTimeout()) {
            return begin;
        }
        Optional<String> local = this.dialect.transactionStatementTimeout(this.statementTimeout);
        if (local.isEmpty()) {
            return begin;
        }
        return begin.then(Flux.from(lease.connection().createStatement(local.get()).execute())
                .flatMap(Result::getRowsUpdated).then()).doOnSuccess(done -> lease.serverTimeout(true));
    }

    /**
     * Watches one statement: marks its lease when the statement is abandoned, enforces the statement timeout where
     * the database does not, and signals every statement timeout as an {@link R2dbcTimeoutException}.
     *
     * @param lease the connection's lease
     * @param sql the statement's SQL, for errors
     * @param statement the statement's results
     * @param <R> the element type
     * @return the same results
     */
    <R> Flux<R> guard(Lease lease, String sql, Flux<R> statement) {
        Flux<R> watched = statement
                .doOnError(error -> {
                    // A server error ends the statement; any other error (a mapper's) leaves it running.
                    if (!(error instanceof R2dbcException)) {
                        lease.abandon();
                    }
                })
                .doOnCancel(lease::abandon);
        if (this.statementTimeout.isZero()) {
            return watched;
        }
        if (!lease.serverTimeout()) {
            watched = deadline(lease, sql, watched);
        }
        return watched.onErrorMap(R2dbcException.class, error -> asTimeout(error, sql));
    }

    /**
     * Bounds a whole statement, as the databases' own timeouts do: one timer per statement (not per row), which
     * cancels the statement when it fires.
     */
    private <R> Flux<R> deadline(Lease lease, String sql, Flux<R> statement) {
        return Flux.defer(() -> {
            AtomicBoolean expired = new AtomicBoolean();
            Mono<Long> timer = Mono.delay(this.statementTimeout).doOnNext(tick -> {
                expired.set(true);
                lease.expire();
            });
            return statement.takeUntilOther(timer).concatWith(Mono.defer(() -> expired.get()
                    ? Mono.error(new R2dbcTimeoutException("Statement timeout of " + this.statementTimeout
                            + " exceeded; the statement was stopped", null, 0, sql))
                    : Mono.empty()));
        });
    }

    private R2dbcException asTimeout(R2dbcException error, String sql) {
        boolean timeout = error instanceof R2dbcTimeoutException;
        if (!timeout && !this.dialect.isCancellation(error) || timeout && error.getSql() != null) {
            return error;
        }
        // Every timeout as R2dbcTimeoutException, naming its SQL (r2dbc-h2 1.1.0 leaves it out; r2dbc-postgresql
        // 1.1.1 signals a statement timeout as a PostgresqlNonTransientResourceException).
        return new R2dbcTimeoutException(error.getMessage(), error.getSqlState(), error.getErrorCode(),
                error.getSql() != null ? error.getSql() : sql, error);
    }

    /**
     * Returns a connection to its pool, or closes it when a statement it ran may still be running.
     *
     * @param lease the lease
     * @return completes when the connection is back or closed
     */
    Mono<Void> release(Lease lease) {
        return settle(lease).flatMap(clean -> clean ? giveBack(lease.connection()) : Mono.empty());
    }

    /**
     * Gives a connection back; never fails. r2dbc-pool drops a connection whose release failed, and an error here
     * would reach the subscriber wrapped by Reactor, after the work's own outcome.
     *
     * @param connection the pooled connection, with no statement running on it
     * @return completes when it is back
     */
    static Mono<Void> giveBack(Connection connection) {
        return Mono.from(connection.close()).onErrorResume(error -> {
            LOG.log(System.Logger.Level.DEBUG, "Returning a connection failed: {0}", error.toString());
            return Mono.empty();
        });
    }

    /**
     * Rolls a transaction back and releases its connection; a connection that is closed instead rolls back on the
     * server when it goes.
     */
    Mono<Void> rollbackAndRelease(Lease lease) {
        return settle(lease).flatMap(clean -> clean
                ? Mono.from(lease.connection().rollbackTransaction()).onErrorResume(e -> Mono.empty())
                        .then(giveBack(lease.connection()))
                : Mono.empty());
    }

    /** @return whether the connection may go back to the pool; {@code false} when it has been closed */
    private Mono<Boolean> settle(Lease lease) {
        if (!lease.abandoned()) {
            return Mono.just(true);
        }
        if (lease.overdue() || !this.dialect.statementsQueuePerConnection()) {
            // Overdue: it has already run too long. Not queued: a ping could not tell whether it still runs.
            return settling(stopAndDiscard(lease));
        }
        return settling(Mono.from(lease.connection().validate(ValidationDepth.REMOTE))
                .defaultIfEmpty(false)
                .timeout(CANCEL_GRACE)
                .flatMap(alive -> alive ? Mono.just(true) : discard(lease))
                .onErrorResume(TimeoutException.class, e -> stopAndDiscard(lease))
                .onErrorResume(e -> discard(lease)));
    }

    private Mono<Boolean> stopAndDiscard(Lease lease) {
        return this.stopper.stop(lease.physicalConnection()).then(discard(lease));
    }

    /**
     * Closes the driver's connection, then gives the pool's wrapper back: r2dbc-pool validates a returned connection
     * and drops it from the pool when it is closed (verified with r2dbc-pool 1.0.2: allocated size back to 0).
     */
    private static Mono<Boolean> discard(Lease lease) {
        Connection physical = lease.physicalConnection();
        Mono<Void> closeDriver = physical == lease.connection() ? Mono.empty()
                : Mono.from(physical.close()).onErrorResume(e -> Mono.empty());
        return closeDriver.then(Mono.from(lease.connection().close()).onErrorResume(e -> Mono.empty()))
                .thenReturn(false);
    }

    /**
     * Runs a settlement off the thread that cancelled, on a blocking driver. Not on {@code boundedElastic}: the
     * worker that ran the abandoned statement counts as free there once its subscriber has gone (reactor-core 3.8:
     * cancelling {@code subscribeOn} disposes the worker), although its thread is still inside r2dbc-h2 running the
     * statement, and a stop scheduled behind it would wait for the very statement it is meant to stop (seen on
     * H2: the stop ran only once the test shut the database down).
     */
    private <T> Mono<T> settling(Mono<T> mono) {
        return this.dialect.blockingDriver() ? mono.subscribeOn(SETTLEMENTS) : mono;
    }

    private <T> Mono<T> offload(Mono<T> mono) {
        // r2dbc-h2 blocks the subscribing thread, and cleanups run on whichever thread cancelled (a timer's).
        return this.dialect.blockingDriver() ? mono.subscribeOn(Schedulers.boundedElastic()) : mono;
    }
}
