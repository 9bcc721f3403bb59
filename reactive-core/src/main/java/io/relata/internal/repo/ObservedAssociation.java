package io.relata.internal.repo;

import io.relata.Association;
import io.relata.internal.exec.Session;
import io.relata.spi.Operation;
import java.util.Collection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Association mode seen by an {@link io.relata.spi.OperationObserver}: each call is one
 * {@link Operation.Kind#ASSOCIATION} operation. A decorator rather than calls inside {@link AssociationSupport}, so
 * the association logic stays free of observation; it exists only when an observer is set.
 *
 * @param <A> the associated entity type
 */
final class ObservedAssociation<A> implements Association<A> {

    private final Association<A> delegate;

    private final Session session;

    private final Operation operation;

    ObservedAssociation(Association<A> delegate, Session session, Class<?> owner, String name) {
        this.delegate = delegate;
        this.session = session;
        this.operation = new Operation(Operation.Kind.ASSOCIATION, owner, session.dialect().name(), name, 0);
    }

    private <T> Mono<T> observe(Mono<T> mono) {
        return this.session.hooks().observe(this.operation, mono);
    }

    private <T> Flux<T> observe(Flux<T> flux) {
        return this.session.hooks().observe(this.operation, flux);
    }

    @Override
    public Mono<A> find() {
        return observe(this.delegate.find());
    }

    @Override
    public Mono<Void> append(A value) {
        return observe(this.delegate.append(value));
    }

    @Override
    public Mono<Void> replace(A value) {
        return observe(this.delegate.replace(value));
    }

    @Override
    public Mono<Void> delete(A value) {
        return observe(this.delegate.delete(value));
    }

    @Override
    public Mono<Void> clear() {
        return observe(this.delegate.clear());
    }

    @Override
    public Mono<Long> count() {
        return observe(this.delegate.count());
    }

    @Override
    public Flux<A> findAll() {
        return observe(this.delegate.findAll());
    }

    @Override
    public Mono<Void> appendAll(Collection<? extends A> values) {
        return observe(this.delegate.appendAll(values));
    }

    @Override
    public Mono<Void> replaceAll(Collection<? extends A> values) {
        return observe(this.delegate.replaceAll(values));
    }

    @Override
    public Mono<Void> deleteAll(Collection<? extends A> values) {
        return observe(this.delegate.deleteAll(values));
    }
}
