package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * A borrow from a pool that neither a cancel nor the acquire timeout can tear: the pool's acquire is never
 * cancelled, and its connection either reaches the subscriber or, when the subscriber cancelled or timed out first,
 * is given back by {@code lateArrival}; never both, never neither.
 *
 * <p>Why: cancelling r2dbc-pool 1.0.2's acquire while it hands a connection over races. Its cancel hook returns the
 * connection to the pool at once, and {@code usingWhen}, whose cancel can run while the connection is still on its
 * way in, may hand the same connection to its work too. Seen in the load suite on H2 (200 preload streams, 40 of them
 * cancelled part-way, on 10 connections), about once in 150 runs under CPU load: a connection given to two users at
 * once, one of which closed it while the other ran a statement ({@code Connection is broken: "session closed"}). And
 * Reactor's {@code timeout} drops an element that arrives after a cancel, so a connection handed over at that moment
 * was lost: counted by the pool as acquired, held by no one (about every other run of 2,000 streams cancelled at
 * random moments on two connections). Here a cancel only marks the borrow, the timeout is this operator's own, and
 * a connection that comes after either goes back to the pool unused.
 *
 * <p>The price: an acquire waiting for a busy pool stays queued after its subscriber cancelled or timed out, takes
 * the next free connection and gives it straight back.
 */
final class Handover extends Mono<Connection> {

    private final Mono<Connection> source;

    private final Consumer<Connection> lateArrival;

    private final Duration timeout;

    private final Supplier<? extends Throwable> timeoutError;

    /**
     * @param source the pool's acquire
     * @param lateArrival gives back a connection whose subscriber cancelled or timed out before it came
     * @param timeout how long the subscriber waits, {@link Duration#ZERO} for ever
     * @param timeoutError the error it then receives
     */
    Handover(Mono<Connection> source, Consumer<Connection> lateArrival, Duration timeout,
            Supplier<? extends Throwable> timeoutError) {
        this.source = source;
        this.lateArrival = lateArrival;
        this.timeout = timeout;
        this.timeoutError = timeoutError;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Connection> actual) {
        this.source.subscribe(new HandoverSubscriber(actual, this));
    }

    private static final class HandoverSubscriber implements CoreSubscriber<Connection>, Subscription {

        private static final int WAITING = 0;

        /** A signal (the connection, an error, the empty completion, the timeout) went to the subscriber. */
        private static final int HANDED = 1;

        private static final int CANCELLED = 2;

        private final CoreSubscriber<? super Connection> actual;

        private final Handover parent;

        private final AtomicInteger state = new AtomicInteger(WAITING);

        private Subscription upstream = Operators.emptySubscription();

        private volatile Disposable timer = Disposables.disposed();

        HandoverSubscriber(CoreSubscriber<? super Connection> actual, Handover parent) {
            this.actual = actual;
            this.parent = parent;
        }

        @Override
        public Context currentContext() {
            return this.actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(null, s)) {
                this.upstream = s;
                this.actual.onSubscribe(this);
                Duration timeout = this.parent.timeout;
                if (!timeout.isZero() && this.state.get() == WAITING) {
                    this.timer = Schedulers.parallel().schedule(this::expire, timeout.toNanos(),
                            TimeUnit.NANOSECONDS);
                }
            }
        }

        private void expire() {
            if (this.state.compareAndSet(WAITING, CANCELLED)) {
                this.actual.onError(this.parent.timeoutError.get());
            }
        }

        @Override
        public void onNext(Connection connection) {
            this.timer.dispose();
            if (this.state.compareAndSet(WAITING, HANDED)) {
                this.actual.onNext(connection);
            }
            else {
                this.parent.lateArrival.accept(connection);
            }
        }

        @Override
        public void onError(Throwable error) {
            this.timer.dispose();
            if (this.state.compareAndSet(WAITING, HANDED)) {
                this.actual.onError(error);
            }
            // Cancelled or timed out: no one waits for this borrow any more, and no connection came of it.
        }

        @Override
        public void onComplete() {
            this.timer.dispose();
            if (this.state.compareAndSet(WAITING, HANDED) || this.state.get() == HANDED) {
                this.actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            this.upstream.request(n);
        }

        @Override
        public void cancel() {
            // Not passed on: the acquire runs to its end, and onNext gives back what comes too late.
            if (this.state.compareAndSet(WAITING, CANCELLED)) {
                this.timer.dispose();
            }
        }
    }
}
