package io.relata.internal.load;

import io.relata.dialect.Dialect;
import io.relata.dialect.KeySetCondition;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the statement that fetches one batch's targets of a to-many association, or of any association whose
 * preload query has a limit or offset (which then applies to each owner, not to the whole query: DESIGN.md 0.2,
 * where GORM's {@code Limit} applies to all owners together, go-gorm/gorm#5229).
 *
 * <pre>
 * -- has-many: the targets of the batch's keys, in primary-key order unless the query orders them
 * SELECT t.* FROM orders t WHERE t.deleted_at IS NULL AND (t.user_id = ANY($1)) AND (cond) ORDER BY t.id
 * -- many-to-many: one statement joining the join table, keyed by the owner's key read from it
 * SELECT t.*, j.user_id FROM languages t INNER JOIN user_languages j ON j.language_id = t.id
 *  WHERE t.deleted_at IS NULL AND (j.user_id = ANY($1)) ORDER BY t.id
 * -- a limit per owner: ROW_NUMBER() over each owner's rows, in the query's order
 * SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.user_id ORDER BY created_at DESC, t.id) AS relata_rn
 *  FROM orders t WHERE ...) relata_p WHERE relata_p.relata_rn &lt;= 3 ORDER BY relata_p.relata_rn
 * </pre>
 *
 * The entity's columns come first, in {@link EntityMeta#properties()} order; a many-to-many's owner key follows at
 * index {@link #ownerKeyIndex(Relationship)}. Window functions run on all three databases (MariaDB since 10.2).
 */
final class PreloadSql {

    /** The alias of the row number a limited preload filters on. */
    static final String ROW_NUMBER = "relata_rn";

    private static final String PAGE = "relata_p";

    private PreloadSql() {
    }

    /**
     * Whether a preload query needs this renderer rather than the owner query's own: a to-many association, or a
     * limit or offset to apply per owner.
     */
    static boolean needed(Relationship r, QuerySupport<Object> query) {
        return r.toMany() || windowed(query);
    }

    private static boolean windowed(QuerySupport<Object> query) {
        return query.limitValue() >= 0 || query.offsetValue() > 0;
    }

    /** The column index of a many-to-many's owner key: right after the target's columns. */
    static int ownerKeyIndex(Relationship r) {
        return r.target().properties().size();
    }

    /** The quoted, qualified column the batch's key set applies to. */
    static String keyColumn(Dialect d, Relationship r) {
        if (r.manyToMany()) {
            JoinTable j = r.joinTable();
            return d.quote(j.table()) + "." + d.quote(j.ownerColumn());
        }
        return d.quote(r.target().table()) + "." + d.quote(r.targetKey().column());
    }

    static Sql render(Dialect d, QuerySupport<Object> query, Relationship r, KeySetCondition keys) {
        EntityMeta<?> target = r.target();
        String table = target.table();
        boolean windowed = windowed(query);
        SqlBuilder sql = new SqlBuilder(d);
        if (windowed) {
            sql.sql("SELECT * FROM (");
        }
        sql.sql("SELECT ");
        List<Property> properties = target.properties();
        for (int i = 0; i < properties.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").column(table, properties.get(i).column());
        }
        if (r.manyToMany()) {
            sql.sql(", ").column(r.joinTable().table(), r.joinTable().ownerColumn());
        }
        if (windowed) {
            sql.sql(", ROW_NUMBER() OVER (PARTITION BY ").sql(keyColumn(d, r)).sql(" ORDER BY ");
            order(sql, query, r);
            sql.sql(") AS ").id(ROW_NUMBER);
        }
        sql.sql(" FROM ").id(table);
        if (r.manyToMany()) {
            JoinTable j = r.joinTable();
            sql.sql(" INNER JOIN ").id(j.table()).sql(" ON ").column(j.table(), j.targetColumn()).sql(" = ")
                    .column(table, r.targetKey().column());
            EntityMeta<?> entity = j.entity();
            if (entity != null) {
                // A soft-deleted join row is an unlinked pair (GORM's SetupJoinTable with a DeletedAt).
                Statements.softDeleteScope(sql, entity, j.table(), query.isUnscoped(), " AND ");
            }
        }
        boolean first = !Statements.softDeleteScope(sql, target, table, query.isUnscoped(), " WHERE ");
        sql.sql(first ? " WHERE (" : " AND (").fragment(new Fragment(keys.sql(), binds(keys))).sql(")");
        Property type = r.typeColumn();
        if (type != null) {
            // A dog never gets the cat's toys with the same id: the type column routes polymorphic rows.
            sql.sql(" AND (").column(table, type.column()).sql(" = ").bind(r.typeValue(), String.class).sql(")");
        }
        for (Fragment where : query.conditions()) {
            sql.sql(" AND (").fragment(where).sql(")");
        }
        if (!windowed) {
            sql.sql(" ORDER BY ");
            order(sql, query, r);
            return sql.build();
        }
        long from = query.offsetValue();
        sql.sql(") ").id(PAGE).sql(" WHERE ").column(PAGE, ROW_NUMBER).sql(" > ").sql(Long.toString(from));
        if (query.limitValue() >= 0) {
            sql.sql(" AND ").column(PAGE, ROW_NUMBER).sql(" <= ").sql(Long.toString(from + query.limitValue()));
        }
        // Each owner's rows in its window's order; across owners the order does not matter.
        return sql.sql(" ORDER BY ").column(PAGE, ROW_NUMBER).build();
    }

    /**
     * The query's order with the primary key as the last tie-break, so each owner's targets come in a stable order
     * ("children in primary-key order unless the customizer orders them", issue 11).
     */
    private static void order(SqlBuilder sql, QuerySupport<Object> query, Relationship r) {
        EntityMeta<?> target = r.target();
        // A many-to-many's join entity is in the statement too, so its columns may order the targets.
        EntityMeta<?> joinEntity = r.manyToMany() ? r.joinTable().entity() : null;
        if (query.renderOrder(sql, joinEntity == null ? Map.of() : Map.of(r.joinTable().table(), joinEntity))) {
            sql.sql(", ");
        }
        sql.column(target.table(), target.id().column());
    }

    /** The key set's values are already converted by the dialect (a typed array on PostgreSQL): bound as they are. */
    private static List<Object> binds(KeySetCondition keys) {
        List<Object> out = new ArrayList<>(keys.binds().size());
        for (Object b : keys.binds()) {
            out.add(new Bind(b, b.getClass()));
        }
        return out;
    }
}
