package io.relata;

import java.util.Collection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Association mode: reads and changes one association of one owner, or of several owners at once, as GORM's
 * {@code db.Model(&owner).Association("Name")} and {@code db.Model(&owners).Association("Name")} do. Changes run in
 * one transaction and update the owners in memory to match.
 *
 * <p>A to-one association (has-one, belongs-to) holds zero or one target; a to-many association (has-many,
 * many-to-many) a collection. The single-value methods ({@link #find()}, {@link #append(Object)}, ...) are for
 * to-one associations and the collection variants ({@link #findAll()}, {@link #appendAll(Collection)}, ...) for
 * to-many ones; a to-many accepts the single-value changes as collections of one, and a to-one accepts the
 * collection variants with zero or one value.
 *
 * <p>Unlinking follows GORM: a has-one or has-many target's foreign key is set to {@code NULL} (the row is deleted
 * instead when the repository is {@link Repository#unscoped() unscoped}); a many-to-many pair's join row is deleted
 * (soft-deleted when a join entity with {@code deletedAt} maps the join table and the repository is scoped), and
 * the target row is never deleted, since other owners may hold it.
 *
 * <p>Every method signals an {@link AssociationException} when an owner has no primary key, before any SQL.
 *
 * @param <A> the associated entity type
 */
public interface Association<A> {

    /**
     * Finds the associated row of a to-one association.
     *
     * @return the associated entity, or empty when there is none (or it is soft-deleted, unless unscoped); an
     *         {@link IllegalStateException} signal, naming {@link #findAll()}, for a to-many association or for
     *         several owners
     */
    Mono<A> find();

    /**
     * Finds every associated row: the targets of a to-many association in primary-key order (each target once,
     * also when several owners share it), or the one row of a to-one association per owner.
     *
     * @return the associated entities; empty when there are none
     */
    Flux<A> findAll();

    /**
     * Adds a value: for a to-one association the same as {@link #replace(Object)}; for a to-many association the same
     * as {@link #appendAll(Collection)} with this one value.
     *
     * @param value the new associated entity
     * @return completes when done
     * @throws NullPointerException when {@code value} is {@code null}
     * @throws IllegalArgumentException when the association was made for several owners (give one value per owner to
     *         {@link #appendAll(Collection)})
     */
    Mono<Void> append(A value);

    /**
     * Adds values to a to-many association, keeping the targets it has: each value is saved first when new and then
     * linked (a has-many target takes the owner's key; a many-to-many pair gets its join row, unless it is linked
     * already). The owner's collection in memory gets the values appended. For several owners, GORM's rule: one
     * value per owner, in order, the first value for the first owner. For a to-one association, zero values do
     * nothing and one value is {@link #replace(Object)}.
     *
     * @param values the values to add
     * @return completes when done
     * @throws NullPointerException when {@code values} or one of them is {@code null}
     * @throws IllegalArgumentException when a to-one association is given more than one value, or several owners are
     *         not given one value each
     */
    Mono<Void> appendAll(Collection<? extends A> values);

    /**
     * Points the association at {@code value}: saves it first when new, links it (sets the foreign key), and
     * unlinks the previous row of a has-one (its foreign key set to {@code NULL}; deleted when the repository is
     * unscoped). For a to-many association the same as {@link #replaceAll(Collection)} with this one value.
     *
     * @param value the new associated entity
     * @return completes when done
     * @throws NullPointerException when {@code value} is {@code null}
     * @throws IllegalArgumentException when the association was made for several owners
     */
    Mono<Void> replace(A value);

    /**
     * Makes the association exactly {@code values}: appends them as {@link #appendAll(Collection)} does, then unlinks
     * every other target (has-many: foreign key set to {@code NULL}, or the row deleted when unscoped; many-to-many:
     * join row deleted). The owner's collection in memory becomes the values. For several owners, one value per
     * owner, in order. For a to-one association, zero values are {@link #clear()} and one value is
     * {@link #replace(Object)}.
     *
     * @param values the targets the association should have
     * @return completes when done
     * @throws NullPointerException when {@code values} or one of them is {@code null}
     * @throws IllegalArgumentException when a to-one association is given more than one value, or several owners are
     *         not given one value each
     */
    Mono<Void> replaceAll(Collection<? extends A> values);

    /**
     * Unlinks {@code value} when it is the associated row: sets the foreign key to {@code NULL}, or deletes the
     * row when the repository is unscoped. For a to-many association the same as {@link #deleteAll(Collection)}
     * with this one value.
     *
     * @param value the entity to unlink
     * @return completes when done
     * @throws NullPointerException when {@code value} is {@code null}
     */
    Mono<Void> delete(A value);

    /**
     * Unlinks the given values from every owner of this association, leaving its other targets: has-many targets get
     * a {@code NULL} foreign key (their rows are deleted when unscoped), many-to-many pairs lose their join rows.
     * Values without a primary key, or not linked to an owner, are skipped. The values are removed from the owners'
     * collections in memory. For a to-one association each value is {@link #delete(Object)}.
     *
     * @param values the values to unlink
     * @return completes when done
     * @throws NullPointerException when {@code values} or one of them is {@code null}
     */
    Mono<Void> deleteAll(Collection<? extends A> values);

    /**
     * Unlinks whatever is associated (foreign key set to {@code NULL}, deleted when unscoped; every join row of a
     * many-to-many); the owners' fields become {@code null} (to-one) or empty collections (to-many).
     *
     * @return completes when done
     */
    Mono<Void> clear();

    /**
     * Counts the associated rows: the targets of a to-many association (each once), zero or one for a consistent
     * to-one association, summed over the owners.
     *
     * @return the count
     */
    Mono<Long> count();
}
