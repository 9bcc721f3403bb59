package io.relata.internal.repo;

import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Relationship;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Association mode of a has-one or belongs-to over several owners (GORM's {@code db.Model(&users)}): each owner's
 * association as {@link AssociationSupport} runs it, all changes in one transaction; values are given one per owner,
 * in the owners' order, as GORM requires.
 *
 * @param <A> the target type
 */
final class ToOneAssociations<A> extends OwnersAssociation<A> {

    private final Session session;

    private final EntityMeta<?> ownerMeta;

    private final Relationship relationship;

    private final List<Object> owners;

    private final boolean unscoped;

    ToOneAssociations(Session session, EntityMeta<?> ownerMeta, Relationship relationship, List<Object> owners,
            boolean unscoped) {
        this.session = session;
        this.ownerMeta = ownerMeta;
        this.relationship = relationship;
        this.owners = List.copyOf(owners);
        this.unscoped = unscoped;
    }

    private List<AssociationSupport<A>> on(Session s) {
        List<AssociationSupport<A>> out = new ArrayList<>(this.owners.size());
        for (Object owner : this.owners) {
            out.add(new AssociationSupport<>(s, this.ownerMeta, this.relationship, owner, this.unscoped));
        }
        return out;
    }

    private Mono<Void> requireOwnerKeys() {
        return Flux.fromIterable(on(this.session)).concatMap(AssociationSupport::requireOwnerKey).then();
    }

    /** Runs a change per owner, in one transaction, after every owner is checked. */
    private Mono<Void> each(BiFunction<AssociationSupport<A>, Integer, Mono<Void>> change) {
        return requireOwnerKeys().then(this.session.transaction(tx -> {
            List<AssociationSupport<A>> supports = on(tx);
            return Flux.range(0, supports.size()).concatMap(i -> change.apply(supports.get(i), i));
        }).then());
    }

    @Override
    public Mono<A> find() {
        return Mono.error(new IllegalStateException(this.relationship.owner().type().getSimpleName() + "."
                + this.relationship.name() + " was asked of " + this.owners.size() + " owners: use findAll()"));
    }

    @Override
    public Flux<A> findAll() {
        return Flux.fromIterable(on(this.session)).concatMap(AssociationSupport::findAll);
    }

    @Override
    public Mono<Long> count() {
        return Flux.fromIterable(on(this.session)).concatMap(AssociationSupport::count).reduce(0L, Long::sum);
    }

    @Override
    public Mono<Void> appendAll(Collection<? extends A> values) {
        List<A> checked = onePerOwner(values, "appendAll");
        return each((support, i) -> support.append(checked.get(i)));
    }

    @Override
    public Mono<Void> replaceAll(Collection<? extends A> values) {
        List<A> checked = onePerOwner(values, "replaceAll");
        return each((support, i) -> support.replace(checked.get(i)));
    }

    @Override
    public Mono<Void> deleteAll(Collection<? extends A> values) {
        List<A> checked = Values.checked(values);
        return each((support, i) -> support.deleteAll(checked));
    }

    @Override
    public Mono<Void> clear() {
        return each((support, i) -> support.clear());
    }

    private List<A> onePerOwner(Collection<? extends A> values, String method) {
        return onePerOwner(Values.checked(values), this.owners.size(), method,
                this.relationship.owner().type().getSimpleName() + "." + this.relationship.name());
    }
}
