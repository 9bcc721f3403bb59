package io.relata.internal.sql;

import io.relata.dialect.Dialect;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders the statements that saves, deletes and association mode share. Queries are rendered by
 * {@code io.relata.internal.query}.
 */
public final class Statements {

    private Statements() {
    }

    /**
     * The current time as Relata stores it: truncated to microseconds, the precision of PostgreSQL and MariaDB
     * timestamps, so what is in memory equals what is read back.
     *
     * @return now
     */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Appends {@code "table"."deleted_at" IS NULL} when the entity is soft-deletable and the statement is scoped.
     *
     * @param sql the builder
     * @param meta the entity
     * @param alias the table or alias to qualify the column with
     * @param unscoped whether soft-deleted rows are included
     * @param prefix text to append before the condition (such as {@code " AND "}), only when one is written
     * @return whether a condition was written
     */
    public static boolean softDeleteScope(SqlBuilder sql, EntityMeta<?> meta, String alias, boolean unscoped,
            String prefix) {
        Property deletedAt = meta.deletedAt();
        if (unscoped || deletedAt == null) {
            return false;
        }
        sql.sql(prefix).column(alias, deletedAt.column()).sql(" IS NULL");
        return true;
    }

    /**
     * Appends the value of a property of an entity as a bind, converted for the column's real type when sent.
     *
     * @param sql the builder
     * @param property the property
     * @param entity the entity
     */
    public static void bindProperty(SqlBuilder sql, Property property, Object entity) {
        sql.bind(property.get(entity), property);
    }

    /**
     * Renders a multi-row {@code INSERT}.
     *
     * @param dialect the dialect
     * @param meta the entity
     * @param columns the columns to insert
     * @param rows the entities, one row each
     * @return the statement
     */
    public static Sql insert(Dialect dialect, EntityMeta<?> meta, List<Property> columns, List<?> rows) {
        SqlBuilder sql = new SqlBuilder(dialect).sql("INSERT INTO ").id(meta.table()).sql(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").id(columns.get(i).column());
        }
        sql.sql(") VALUES ");
        for (int r = 0; r < rows.size(); r++) {
            sql.sql(r == 0 ? "(" : ", (");
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    sql.sql(", ");
                }
                bindProperty(sql, columns.get(i), rows.get(r));
            }
            sql.sql(")");
        }
        return sql.build();
    }

    /**
     * Renders a multi-row {@code INSERT} that binds one array per column: {@code INSERT INTO t (a, b) SELECT a, b FROM
     * unnest(?::int8[], ?::text[]) WITH ORDINALITY AS r(a, b, n) ORDER BY n}. The text is the same for any number of
     * rows. The rows are inserted in the arrays' order, so generated keys come back in row order: {@code ORDER BY}
     * of the ordinality makes that order part of the statement rather than a property of the plan.
     *
     * @param dialect the dialect
     * @param meta the entity
     * @param columns the columns to insert
     * @param elementTypes the array element type of each column ({@link Dialect#arrayInsertType})
     * @param rows the entities, one row each
     * @return the statement
     */
    public static Sql insertArrays(Dialect dialect, EntityMeta<?> meta, List<Property> columns,
            List<String> elementTypes, List<?> rows) {
        SqlBuilder sql = new SqlBuilder(dialect).sql("INSERT INTO ").id(meta.table()).sql(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").id(columns.get(i).column());
        }
        sql.sql(") SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql(i == 0 ? "c" : ", c").sql(Integer.toString(i));
        }
        sql.sql(" FROM unnest(");
        for (int i = 0; i < columns.size(); i++) {
            Property column = columns.get(i);
            List<@Nullable Object> values = new ArrayList<>(rows.size());
            for (Object row : rows) {
                values.add(column.get(row));
            }
            sql.sql(i == 0 ? "" : ", ").bind(new ColumnValues(values), column).sql("::" + elementTypes.get(i) + "[]");
        }
        sql.sql(") WITH ORDINALITY AS r(");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql("c").sql(Integer.toString(i)).sql(", ");
        }
        sql.sql("n) ORDER BY n");
        return sql.build();
    }

    /**
     * Renders {@code UPDATE table SET col = ?, ... WHERE pk = ?}.
     *
     * @param dialect the dialect
     * @param meta the entity
     * @param columns the columns to set
     * @param entity the entity whose values and key are bound
     * @return the statement
     */
    public static Sql updateById(Dialect dialect, EntityMeta<?> meta, List<Property> columns, Object entity) {
        SqlBuilder sql = new SqlBuilder(dialect).sql("UPDATE ").id(meta.table()).sql(" SET ");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").id(columns.get(i).column()).sql(" = ");
            bindProperty(sql, columns.get(i), entity);
        }
        sql.sql(" WHERE ").id(meta.id().column()).sql(" = ");
        bindProperty(sql, meta.id(), entity);
        return sql.build();
    }

    /**
     * Renders a delete of the rows matching a condition: {@code UPDATE ... SET deleted_at = ?} for a
     * soft-deletable entity unless {@code hard}, else {@code DELETE FROM}.
     *
     * @param dialect the dialect
     * @param meta the entity
     * @param hard whether to delete rows even when the entity is soft-deletable
     * @param where appends the condition (without {@code WHERE})
     * @return the statement
     */
    public static Sql delete(Dialect dialect, EntityMeta<?> meta, boolean hard, java.util.function.Consumer<SqlBuilder> where) {
        SqlBuilder sql = new SqlBuilder(dialect);
        Property deletedAt = meta.deletedAt();
        if (!hard && deletedAt != null) {
            sql.sql("UPDATE ").id(meta.table()).sql(" SET ").id(deletedAt.column()).sql(" = ")
                    .bind(Statements.now(), deletedAt).sql(" WHERE ");
            where.accept(sql);
            sql.sql(" AND ").column(meta.table(), deletedAt.column()).sql(" IS NULL");
        }
        else {
            sql.sql("DELETE FROM ").id(meta.table()).sql(" WHERE ");
            where.accept(sql);
        }
        return sql.build();
    }

    /**
     * Appends the condition that selects the targets of a has-one for one owner key:
     * {@code "t"."fk" = ?} and, for a polymorphic has-one, {@code AND "t"."owner_type" = ?}.
     *
     * @param sql the builder
     * @param relationship a has-one
     * @param ownerKey the owner's referenced key value
     */
    public static void hasOneTargets(SqlBuilder sql, Relationship relationship, @Nullable Object ownerKey) {
        EntityMeta<?> target = relationship.target();
        sql.column(target.table(), relationship.foreignKey().column()).sql(" = ")
                .bind(ownerKey, relationship.foreignKey());
        polymorphicType(sql, relationship, target.table());
    }

    /**
     * Appends {@code AND "alias"."owner_type" = ?} for a polymorphic relationship; nothing otherwise.
     *
     * @param sql the builder
     * @param relationship the relationship
     * @param alias the target's table or alias
     */
    public static void polymorphicType(SqlBuilder sql, Relationship relationship, String alias) {
        Property type = relationship.typeColumn();
        if (type != null) {
            sql.sql(" AND ").column(alias, type.column()).sql(" = ").bind(relationship.typeValue(), String.class);
        }
    }
}
