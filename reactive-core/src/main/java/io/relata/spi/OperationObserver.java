package io.relata.spi;

import org.reactivestreams.Publisher;

/**
 * Wraps each Relata operation's publisher, to time it, count it or trace it (the Spring Boot starter opens a
 * Micrometer {@code Observation} per operation). Set it with
 * {@link io.relata.Relata.Builder#observer(OperationObserver)}; without one, Relata wraps nothing. Its method is
 * generic, so implement it with a class rather than a lambda.
 *
 * <p>Operations nest: a preload batch ({@link Operation.Kind#PRELOAD}) is subscribed inside the query that read its
 * owners, so an observer that keeps its current span in the Reactor {@link reactor.util.context.Context} sees the
 * batch as a child of the query, and the driver's statement spans as children of either.
 */
public interface OperationObserver {

    /**
     * Wraps one operation's publisher. Called when the operation is assembled; the returned publisher is what the
     * caller subscribes to, possibly more than once (each subscription is one run of the operation).
     *
     * <p>The returned publisher must emit exactly what {@code publisher} emits, in order, and end with its terminal
     * signal; it must pass requests and cancellation through. When {@code publisher} is a {@code Mono}, the result
     * must emit at most one element.
     *
     * @param operation what the operation is
     * @param publisher the operation's publisher, cold
     * @param <T> the element type
     * @return the publisher to subscribe to instead
     */
    <T> Publisher<T> observe(Operation operation, Publisher<T> publisher);
}
