package io.relata.internal.repo;

import io.relata.Association;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * What association mode over a list of owners ({@link ToOneAssociations}, {@link ToManyAssociation}) does the same
 * way: a one-value call is its collection call with that one value, and several owners take one value each.
 *
 * @param <A> the target type
 */
abstract class OwnersAssociation<A> implements Association<A> {

    @Override
    public final Mono<Void> append(A value) {
        Objects.requireNonNull(value, "value must not be null");
        return appendAll(List.of(value));
    }

    @Override
    public final Mono<Void> replace(A value) {
        Objects.requireNonNull(value, "value must not be null");
        return replaceAll(List.of(value));
    }

    @Override
    public final Mono<Void> delete(A value) {
        Objects.requireNonNull(value, "value must not be null");
        return deleteAll(List.of(value));
    }

    /**
     * GORM's rule for several owners: one value per owner, in the owners' order, checked before any statement.
     *
     * @param values the checked values
     * @param owners how many owners there are
     * @param method the method called, for the message
     * @param association the association, for the message
     * @return {@code values}
     * @throws IllegalArgumentException when there are not as many values as owners
     */
    static <A> List<A> onePerOwner(List<A> values, int owners, String method, String association) {
        if (values.size() != owners) {
            throw new IllegalArgumentException(method + " on " + association + " of " + owners + " owners takes one "
                    + "value per owner, in the owners' order; it was given " + values.size());
        }
        return values;
    }
}
