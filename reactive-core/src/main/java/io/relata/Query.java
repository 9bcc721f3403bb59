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
 * <p>What is bound, checked and trusted: argument values are always bound. A condition's text is SQL written by the
 * programmer, never by a user; Relata puts each in parentheses and rejects one that could reach outside them. The
 * text of {@link #orderBy(String)} is only ever a list of columns checked against the entity, and Relata writes the
 * identifiers itself, so a sort parameter from a request may be passed to it; {@link #orderByRaw(String)} is
 * trusted SQL.
 *
 * <p>Synchronous checks: a wrong number of arguments for the placeholders, a rejected condition or order, an
 * unknown association path, or a {@code null} argument where a value is required is an exception thrown by the
 * method itself, before any SQL.
 *
 * @param <T> the entity type
 */
public interface Query<T> extends Publisher<T> {

    /**
     * Adds a condition, joined to the others with {@code AND}. The condition is written inside parentheses, and it
     * must stay there: one with a parenthesis it does not close or closes without opening, an unterminated string
     * literal, quoted identifier or comment, a line comment that would swallow the closing parenthesis, or a
     * {@code ;} outside literals and comments is rejected, as are the few constructs the database and its driver
     * read differently (such as a backslash before a quote inside a literal on PostgreSQL and MariaDB). A {@code ?}
     * inside a literal, a quoted identifier, a comment or a dollar-quoted string is not a placeholder.
     *
     * <p>A collection bound after {@code IN} ({@code "id IN ?"}, {@code "id NOT IN ?"}, also {@code "id IN (?)"})
     * works at any size: PostgreSQL binds it as one typed array ({@code id = ANY($1)}, {@code id <> ALL($1)}), H2
     * as an array from 1,001 values, MariaDB (and smaller lists) as {@code IN ($1, $2, ...)}. An empty collection
     * keeps SQL's meaning: {@code IN} matches no row, {@code NOT IN} every row.
     *
     * @param condition an SQL fragment such as {@code "name = ? AND age > ?"}; trusted SQL, never user input
     * @param args one value per {@code ?}; {@code null} binds SQL {@code NULL}
     * @return a new query with the condition
     * @throws IllegalArgumentException when the number of arguments differs from the number of placeholders, or the
     *         condition is rejected (the message says what and where)
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
     * Sets the order from a list of columns, {@code "[table.]column [ASC|DESC] [NULLS FIRST|LAST], ..."}, such as
     * {@code "name DESC, id"} or {@code "companies.name NULLS LAST"}; replaces an earlier order. Each column is a
     * column or Java field name (any case) of the entity or of a joined association, qualified, when needed, by the
     * table name or the join's alias; unqualified, the entity's own column wins. Relata writes the order itself,
     * with quoted identifiers, so the text never reaches the database: a sort parameter taken from a request may be
     * passed here. Where the database has no {@code NULLS FIRST/LAST} (MariaDB) the order sorts on
     * {@code column IS NULL} first.
     *
     * @param columns the columns to order by
     * @return a new query with the order
     * @throws IllegalArgumentException when the text is anything but such a list, or names a column that neither
     *         the entity nor any association has, listing the valid columns; a column of an association joined after
     *         this call is checked when the query runs, and fails it before any SQL is sent
     */
    Query<T> orderBy(String columns);

    /**
     * Sets the order from trusted SQL, written into the statement as it is, such as
     * {@code "LOWER(users.name), users.id"}; replaces an earlier order. Never pass user input here: it is not checked,
     * and a request's text could run any SQL. Use {@link #orderBy(String)} for columns.
     *
     * @param sql the {@code ORDER BY} list, without {@code ORDER BY}
     * @return a new query with the order
     * @throws IllegalArgumentException when the text is blank
     */
    Query<T> orderByRaw(String sql);

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
     * Sends this read to the primary even when read replicas are configured ({@link Relata.Builder#replicas}), so
     * it sees every write committed before it started (read-your-writes): replicas apply the primary's changes a
     * little later. Preloads of this query go to the primary too. Inside a transaction every read is on the primary
     * already; to send every read of a reactive chain to the primary, see {@link Relata#readFromPrimary()}.
     *
     * @return a new query that reads from the primary
     */
    Query<T> primary();

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
