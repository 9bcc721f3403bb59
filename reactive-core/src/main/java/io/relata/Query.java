package io.relata;

import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A query over one entity type: cold and immutable. Every method returns a new {@code Query}; nothing runs
 * until the query is subscribed to, and every subscription runs it again.
 *
 * <p>Conditions are SQL fragments over column names with {@code ?} placeholders; the arguments are always bound,
 * never spliced into the SQL. Column names may be qualified by the table ({@code users.name}). Soft-deleted rows
 * are invisible unless {@link #unscoped()}.
 *
 * <p>Synchronous checks: a wrong number of arguments for the placeholders, an unknown association path, or a
 * {@code null} argument where a value is required is an exception thrown by the method itself, before any SQL.
 *
 * @param <T> the entity type
 */
public interface Query<T> extends Publisher<T> {

    /**
     * Adds a condition, joined to the others with {@code AND}.
     *
     * @param condition an SQL fragment such as {@code "name = ? AND age > ?"}
     * @param args one value per {@code ?}; {@code null} binds SQL {@code NULL}
     * @return a new query with the condition
     * @throws IllegalArgumentException when the number of arguments differs from the number of placeholders
     */
    Query<T> where(String condition, Object... args);

    /**
     * Eagerly loads an association by batched queries: one query for the owners, then one per association per
     * batch of owners, keys de-duplicated. Owners with no match get {@code null} for a to-one association and an
     * empty collection for a to-many one (never {@code null}); a to-many's targets come in primary-key order unless
     * a customizer orders them, and a many-to-many takes one query joining its join table. Nested paths such as
     * {@code "manager.creditCard"} or {@code "orders.items.product"} load each level; names are Java field names,
     * case-insensitive. Batches of a to-many hold about {@code preloadMaxRows} targets, so owners with many targets
     * are loaded in smaller batches and memory stays bounded.
     *
     * @param path the association path
     * @return a new query with the preload
     * @throws IllegalArgumentException when a name on the path is not an association, listing the valid names
     */
    Query<T> preload(String path);

    /**
     * Like {@link #preload(String)}, with a condition on the last association of the path.
     *
     * @param path the association path
     * @param condition an SQL fragment over the target's columns with {@code ?} placeholders
     * @param args one value per placeholder
     * @return a new query with the preload
     * @throws IllegalArgumentException for an unknown path or a wrong number of arguments
     */
    Query<T> preload(String path, String condition, Object... args);

    /**
     * Like {@link #preload(String)}, with the query of the last association of the path customised, for
     * instance {@code p -> p.where("number LIKE ?", "4%").unscoped()}. A {@code limit} or {@code offset} there
     * applies to each owner, not to the whole query: {@code q -> q.orderBy("created_at DESC").limit(3)} gives every
     * owner its latest three targets (a {@code ROW_NUMBER() OVER (PARTITION BY ...)} window, in the customizer's
     * order with the primary key breaking ties).
     *
     * @param path the association path
     * @param customize receives the target query and returns the one to run
     * @return a new query with the preload
     * @throws IllegalArgumentException for an unknown path
     */
    Query<T> preload(String path, UnaryOperator<Query<Object>> customize);

    /**
     * Preloads every direct association of the entity, to-one and to-many.
     *
     * @return a new query with the preloads
     */
    Query<T> preloadAll();

    /**
     * Loads a to-one association in the same statement with a {@code LEFT JOIN}; its columns are aliased
     * {@code creditCard__number}-style. No match gives {@code null}. Nested paths ({@code "account.bank"}) join
     * every level. A has-one with several matching rows gives one owner row per match, as SQL does.
     *
     * @param path the association path
     * @return a new query with the join
     * @throws IllegalArgumentException when a name on the path is not an association, listing the valid names, or
     *         is a has-many or many-to-many association (a join would repeat the owner per target: the message names
     *         {@link #preload(String)}, the way to load it)
     */
    Query<T> joins(String path);

    /**
     * Like {@link #joins(String)}, with a condition added to the join's {@code ON} clause.
     *
     * @param path the association path
     * @param condition an SQL fragment with {@code ?} placeholders
     * @param args one value per placeholder
     * @return a new query with the join
     * @throws IllegalArgumentException for an unknown or to-many path, or a wrong number of arguments
     */
    Query<T> joins(String path, String condition, Object... args);

    /**
     * Like {@link #joins(String)} with an {@code INNER JOIN}: owners without a match are left out.
     *
     * @param path the association path
     * @return a new query with the join
     * @throws IllegalArgumentException for an unknown or to-many path
     */
    Query<T> innerJoins(String path);

    /**
     * Sets the order, an SQL {@code ORDER BY} list such as {@code "name DESC, id"}; replaces an earlier order.
     *
     * @param orderBy the order
     * @return a new query with the order
     */
    Query<T> orderBy(String orderBy);

    /**
     * Limits the number of rows.
     *
     * @param n the greatest number of rows, zero or more
     * @return a new query with the limit
     * @throws IllegalArgumentException when {@code n} is negative
     */
    Query<T> limit(int n);

    /**
     * Skips rows.
     *
     * @param n the number of rows to skip, zero or more
     * @return a new query with the offset
     * @throws IllegalArgumentException when {@code n} is negative
     */
    Query<T> offset(long n);

    /**
     * Includes soft-deleted rows, in this query and in its preloads and joins.
     *
     * @return a new unscoped query
     */
    Query<T> unscoped();

    /**
     * Runs the query and emits its entities, streaming: rows are mapped as they arrive, preloads are applied
     * batch by batch, and backpressure reaches the database.
     *
     * @return the entities; empty when no row matches; an error signal for a database error
     */
    Flux<T> flux();

    /**
     * Runs the query for its first entity, by primary key unless an order was given.
     *
     * @return the first entity, or empty when no row matches
     */
    Mono<T> first();

    /**
     * Counts the matching rows ({@code SELECT COUNT(*)}), ignoring order, limit, offset and preloads.
     *
     * @return the count
     */
    Mono<Long> count();
}
