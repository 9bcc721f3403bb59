package io.relata.internal.exec;

import io.relata.spi.Operation;
import io.relata.spi.OperationObserver;
import io.relata.spi.TransactionBinding;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a hosting framework plugs in around the executor ({@code io.relata.spi}): where the connection of the caller's
 * own transaction comes from, and who observes each operation. Kept apart from {@link Session} so connection routing
 * there stays about pools and transactions.
 *
 * @param transactions finds the caller's transaction's connection, or {@code null}
 * @param observer wraps each operation's publisher, or {@code null}
 */
public record Hooks(@Nullable TransactionBinding transactions, @Nullable OperationObserver observer) {

    /** Nothing plugged in: Relata on its own. */
    public static final Hooks NONE = new Hooks(null, null);

    /** @return these hooks without the transaction binding (for a session whose binding was already consulted) */
    Hooks resolved() {
        return this.transactions == null ? this : new Hooks(null, this.observer);
    }

    /**
     * Runs work on the session the binding chooses at subscription: one bound to the caller's transaction's
     * connection when the binding emits one, else {@code outside}. One lookup in the subscriber's Context; nothing
     * at all when no binding is set.
     */
    <R> Flux<R> resolve(Session outside, Function<io.r2dbc.spi.Connection, Session> joined,
            Function<Session, ? extends Publisher<R>> work) {
        TransactionBinding binding = this.transactions;
        if (binding == null) {
            return Flux.defer(() -> work.apply(outside));
        }
        return Mono.defer(binding::currentConnection)
                .map(joined)
                .defaultIfEmpty(outside)
                .flatMapMany(work);
    }

    /** @return whether an observer is set (so callers skip building the {@link Operation}) */
    public boolean observed() {
        return this.observer != null;
    }

    /**
     * Wraps a multi-element operation.
     *
     * @param operation the operation
     * @param flux its publisher
     * @param <T> the element type
     * @return the observed publisher, or {@code flux} when no observer is set
     */
    public <T> Flux<T> observe(Operation operation, Flux<T> flux) {
        OperationObserver o = this.observer;
        return o == null ? flux : Flux.from(o.observe(operation, flux));
    }

    /**
     * Wraps a single-element operation.
     *
     * @param operation the operation
     * @param mono its publisher
     * @param <T> the element type
     * @return the observed publisher, or {@code mono} when no observer is set
     */
    public <T> Mono<T> observe(Operation operation, Mono<T> mono) {
        OperationObserver o = this.observer;
        // fromDirect: the observer promises at most one element, and Mono.from would cancel the source after it,
        // which an observer would see as a cancelled operation.
        return o == null ? mono : Mono.fromDirect(o.observe(operation, mono));
    }
}
