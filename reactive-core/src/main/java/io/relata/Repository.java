package io.relata;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Saves, deletes and queries of one entity type, obtained from {@link Relata#repository(Class)}.
 * Repositories are immutable and thread-safe; {@link #omit(String...)} and {@link #unscoped()} return new ones.
 *
 * <p>Every method checks its arguments synchronously: a {@code null} entity, an unknown field or association
 * name throws before any SQL is sent. Database errors are signalled as the driver's
 * {@link io.r2dbc.spi.R2dbcException} subtypes.
 *
 * @param <T> the entity type
 */
public interface Repository<T> {

    /**
     * Saves an entity: inserts it when its primary key is {@code null} or zero (writing the generated key back),
     * otherwise updates every column (inserting it when no row has that key). Associations cascade in one
     * transaction: belongs-to targets first (new ones inserted, existing ones linked), then the entity, then
     * has-one targets with the foreign key set; a has-one that now holds a different row unlinks the old one.
     *
     * @param entity the entity
     * @return the same entity instance, with keys and timestamps written back
     * @throws NullPointerException when {@code entity} is {@code null}
     */
    Mono<T> save(T entity);

    /**
     * Saves many entities like {@link #save(Object)}, inserting new ones with multi-row {@code INSERT}s in batches
     * and cascading level by level (each association is one batched insert per level, not one per entity). The
     * whole batch is one transaction.
     *
     * @param entities the entities
     * @return the entities, in order, with keys written back; empty for no entities
     */
    Flux<T> saveAll(Publisher<T> entities);

    /**
     * Finds an entity by primary key.
     *
     * @param id the primary key
     * @return the entity, or empty when absent or soft-deleted
     * @throws NullPointerException when {@code id} is {@code null}
     */
    Mono<T> findById(Object id);

    /**
     * A query over all entities.
     *
     * @return a new query
     */
    Query<T> findAll();

    /**
     * A query with a condition; same as {@code findAll().where(condition, args)}.
     *
     * @param condition an SQL fragment with {@code ?} placeholders
     * @param args one value per placeholder
     * @return a new query
     * @throws IllegalArgumentException when the number of arguments differs from the number of placeholders
     */
    Query<T> where(String condition, Object... args);

    /**
     * Updates one column of a saved entity and nothing else (no timestamps, no associations), and sets the field
     * in memory, as GORM's {@code Model(&e).Update("field", value)} does.
     *
     * @param entity a saved entity (with a primary key)
     * @param field the Java field name (case-insensitive) or column name
     * @param value the new value, converted to the field's type; {@code null} for SQL {@code NULL}
     * @return the number of rows updated
     * @throws IllegalArgumentException when the field is unknown, is the primary key, or the value does not fit
     * @throws AssociationException when the entity has no primary key
     */
    Mono<Long> update(T entity, String field, Object value);

    /**
     * Deletes an entity: a soft delete (setting {@code deleted_at}) when the entity has {@code deletedAt},
     * otherwise (or when {@link #unscoped()}) a hard delete. The named associations are deleted first, in the same
     * transaction, as GORM's {@code db.Select("Orders").Delete(&user)}: the rows of a has-one or has-many (soft or
     * hard likewise), the join rows of a many-to-many (its targets stay: other owners may hold them).
     *
     * @param entity a saved entity
     * @param associations has-one, has-many or many-to-many association names whose rows go too
     * @return the number of owner rows deleted
     * @throws IllegalArgumentException for an unknown association or a belongs-to
     */
    Mono<Long> delete(T entity, String... associations);

    /**
     * Deletes by primary key, soft or hard as {@link #delete(Object, String...)}.
     *
     * @param id the primary key
     * @return the number of rows deleted (zero when absent)
     */
    Mono<Long> deleteById(Object id);

    /**
     * A repository whose saves skip the named associations.
     *
     * @param associations association names
     * @return a new repository
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    Repository<T> omit(String... associations);

    /**
     * A repository that sees soft-deleted rows, and whose deletes are hard deletes.
     *
     * @return a new repository
     */
    Repository<T> unscoped();

    /**
     * Association mode for one owner and one association.
     *
     * @param owner the owner
     * @param name the association name (Java field name, case-insensitive)
     * @param <A> the association's entity type
     * @return the association
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    <A> Association<A> association(T owner, String name);

    /**
     * Association mode for several owners at once, as GORM's {@code db.Model(&users).Association("Languages")}:
     * {@code findAll} and {@code count} cover every owner's targets in one statement, {@code deleteAll} and
     * {@code clear} unlink from every owner, and {@code appendAll}/{@code replaceAll} take one value per owner, in
     * the owners' order.
     *
     * @param owners the owners, at least one, none {@code null}
     * @param name the association name (Java field name, case-insensitive)
     * @param <A> the association's entity type
     * @return the association
     * @throws IllegalArgumentException for an unknown name, listing the valid ones, or no owners
     * @throws NullPointerException when {@code owners} or one of them is {@code null}
     */
    <A> Association<A> association(java.util.Collection<? extends T> owners, String name);
}
