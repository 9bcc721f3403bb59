package io.relata;

import reactor.core.publisher.Mono;

/**
 * Association mode: reads and changes one association of one owner, as GORM's
 * {@code db.Model(&owner).Association("Name")} does. Changes update the owner in memory to match.
 *
 * <p>Every method signals an {@link AssociationException} when the owner has no primary key, before any SQL.
 *
 * @param <A> the associated entity type
 */
public interface Association<A> {

    /**
     * Finds the associated row.
     *
     * @return the associated entity, or empty when there is none (or it is soft-deleted, unless unscoped)
     */
    Mono<A> find();

    /**
     * For has-one and belongs-to, the same as {@link #replace(Object)}.
     *
     * @param value the new associated entity
     * @return completes when done
     */
    Mono<Void> append(A value);

    /**
     * Points the association at {@code value}: saves it first when new, links it (sets the foreign key), and
     * unlinks the previous row of a has-one (its foreign key set to {@code NULL}; deleted when the repository is
     * unscoped).
     *
     * @param value the new associated entity
     * @return completes when done
     */
    Mono<Void> replace(A value);

    /**
     * Unlinks {@code value} when it is the associated row: sets the foreign key to {@code NULL}, or deletes the
     * row when the repository is unscoped.
     *
     * @param value the entity to unlink
     * @return completes when done
     */
    Mono<Void> delete(A value);

    /**
     * Unlinks whatever is associated (foreign key set to {@code NULL}; deleted when unscoped).
     *
     * @return completes when done
     */
    Mono<Void> clear();

    /**
     * Counts the associated rows (zero or one for a consistent has-one or belongs-to).
     *
     * @return the count
     */
    Mono<Long> count();
}
