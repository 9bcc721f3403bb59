package io.relata.internal.save;

import io.relata.dialect.Dialect;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a join table's rows and how one pair becomes a row: the two keys of a plain join table, or every
 * column of its join entity, written as a fresh instance of it would hold them with the keys set and the timestamps
 * stamped (GORM creates a join model instance per pair when {@code SetupJoinTable} was called).
 *
 * @param table the join table
 * @param columns the columns, in bind order
 * @param types the Java type each column stores
 * @param ownerIndex the position of the owner's key column
 * @param targetIndex the position of the target's key column
 * @param entity the join entity, or {@code null}
 * @param ownerKey the owner's key the owner column copies
 * @param targetKey the target's key the target column copies
 */
record JoinRows(JoinTable table, List<String> columns, List<Class<?>> types, int ownerIndex, int targetIndex,
        @Nullable EntityMeta<?> entity, Property ownerKey, Property targetKey) {

    static JoinRows of(Relationship r) {
        JoinTable j = r.joinTable();
        EntityMeta<?> entity = j.entity();
        if (entity == null) {
            return new JoinRows(j, List.of(j.ownerColumn(), j.targetColumn()), List.of(j.ownerType(), j.targetType()),
                    0, 1, null, r.foreignKey(), r.references());
        }
        List<String> columns = new ArrayList<>();
        List<Class<?>> types = new ArrayList<>();
        int owner = -1;
        int target = -1;
        for (Property p : entity.properties()) {
            if (p.column().equalsIgnoreCase(j.ownerColumn())) {
                owner = columns.size();
            }
            else if (p.column().equalsIgnoreCase(j.targetColumn())) {
                target = columns.size();
            }
            columns.add(p.column());
            types.add(p.columnType());
        }
        return new JoinRows(j, List.copyOf(columns), List.copyOf(types), owner, target, entity, r.foreignKey(),
                r.references());
    }

    /**
     * The insert of some pairs that skips pairs already linked; a soft-deleted pair of a soft-deletable join entity
     * comes back ({@code deleted_at} set to {@code NULL}).
     *
     * @param dialect the dialect
     * @param pairs owner key and target key, as their columns store them
     * @param now the time stamped into a join entity's timestamps
     * @return the statement
     */
    Sql insert(Dialect dialect, List<Object[]> pairs, Instant now) {
        List<String> keys = List.of(this.table.ownerColumn(), this.table.targetColumn());
        Property deletedAt = this.entity == null ? null : this.entity.deletedAt();
        List<String> revive = deletedAt == null ? List.of() : List.of(deletedAt.column());
        String text = dialect.insertIgnoringDuplicates(this.table.table(), this.columns, keys, revive, pairs.size());
        SqlBuilder sql = new SqlBuilder(dialect);
        List<Object> binds = new ArrayList<>(pairs.size() * this.columns.size());
        for (Object[] pair : pairs) {
            Object row = this.entity == null ? null : row(pair, now);
            for (int c = 0; c < this.columns.size(); c++) {
                // Converted when sent, for the real type of the column each value is headed to: a join entity's own
                // property, or the key a plain join column copies (it was created with that key's type).
                Property column = this.entity != null ? this.entity.properties().get(c)
                        : c == this.ownerIndex ? this.ownerKey : this.targetKey;
                Object value = c == this.ownerIndex ? pair[0] : c == this.targetIndex ? pair[1]
                        : column.get(row);
                binds.add(Bind.column(value, column));
            }
        }
        // The dialect's own statement, checked for its markers only, each bound as converted above.
        return sql.fragment(Fragment.statement(dialect, text, binds.toArray())).build();
    }

    /** A join entity instance for one pair: keys set, {@code createdAt}/{@code updatedAt} stamped. */
    private Object row(Object[] pair, Instant now) {
        EntityMeta<?> meta = this.entity;
        Object row = meta.newInstance();
        meta.properties().get(this.ownerIndex).set(row, pair[0]);
        meta.properties().get(this.targetIndex).set(row, pair[1]);
        for (Property p : new Property[] {meta.createdAt(), meta.updatedAt()}) {
            if (p != null && p.get(row) == null) {
                p.set(row, now);
            }
        }
        return row;
    }
}
