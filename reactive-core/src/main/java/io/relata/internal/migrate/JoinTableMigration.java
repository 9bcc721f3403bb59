package io.relata.internal.migrate;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.dialect.Dialect;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The schema of to-many associations: many-to-many join tables (GORM's {@code AutoMigrate} creates them with the
 * owner's table) and indexes on the foreign-key columns to-many preloads and join-table lookups filter on.
 *
 * <p>A join table gets its two key columns ({@code NOT NULL}, typed like the keys they reference), the columns of its
 * join entity if one maps it, a composite primary key over both key columns (owner first), an index on the second
 * key column (the primary key's index serves the first), and a foreign-key constraint to each side, named as GORM
 * names them ({@code fk_user_languages_user}, {@code fk_user_languages_language}) and {@code ON DELETE CASCADE}
 * unless the mapping says otherwise: a join row means nothing once either side is gone. Both sides of a
 * back-reference ({@code User.languages}, {@code Language.users}) describe one table, created once.
 */
final class JoinTableMigration {

    private static final System.Logger LOG = System.getLogger(JoinTableMigration.class.getName());

    private final Dialect dialect;

    /** Join tables by lower-case name, as the first declaring side sees them, with that side's relationship. */
    private final Map<String, Relationship> tables = new LinkedHashMap<>();

    JoinTableMigration(Dialect dialect, List<EntityMeta<?>> metas) {
        this.dialect = dialect;
        for (EntityMeta<?> meta : metas) {
            for (Relationship r : meta.relationships()) {
                if (r.manyToMany()) {
                    add(r);
                }
            }
        }
    }

    private void add(Relationship r) {
        String key = r.joinTable().table().toLowerCase(Locale.ROOT);
        Relationship first = this.tables.putIfAbsent(key, r);
        if (first == null || first == r) {
            return;
        }
        JoinTable a = first.joinTable();
        JoinTable b = r.joinTable();
        boolean same = sameColumns(a, b) || sameColumns(a, b.mirrored());
        if (!same) {
            throw new MappingException("The many-to-many associations " + first + " and " + r + " share the join "
                    + "table " + a.table() + " but disagree on its columns (" + a.ownerColumn() + ", "
                    + a.targetColumn() + " against " + b.ownerColumn() + ", " + b.targetColumn() + "); name them alike "
                    + "with joinForeignKey and joinReferences");
        }
    }

    private static boolean sameColumns(JoinTable a, JoinTable b) {
        return a.ownerColumn().equalsIgnoreCase(b.ownerColumn()) && a.targetColumn().equalsIgnoreCase(b.targetColumn())
                && a.ownerType() == b.ownerType() && a.targetType() == b.targetType();
    }

    /** @return the join tables to create, one relationship per table */
    List<Relationship> tables() {
        return List.copyOf(this.tables.values());
    }

    /**
     * The statements that create a join table, or add the columns it lacks.
     *
     * @param r the relationship that declares it
     * @param existing lower-case names of the table's existing columns; empty when the table does not exist
     */
    List<Sql> create(Relationship r, Set<String> existing) {
        JoinTable j = r.joinTable();
        List<Column> columns = columns(r);
        if (!existing.isEmpty()) {
            List<Sql> alters = new ArrayList<>();
            for (Column c : columns) {
                if (!existing.contains(c.name.toLowerCase(Locale.ROOT))) {
                    alters.add(new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(j.table()).sql(" ADD COLUMN ")
                            .id(c.name).sql(" ").sql(this.dialect.columnType(c.type)).build());
                }
            }
            return alters;
        }
        SqlBuilder sql = new SqlBuilder(this.dialect).sql("CREATE TABLE IF NOT EXISTS ").id(j.table()).sql(" (");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sql.sql(i == 0 ? "" : ", ").id(c.name).sql(" ").sql(this.dialect.columnType(c.type))
                    .sql(c.key ? " NOT NULL" : "");
        }
        sql.sql(", PRIMARY KEY (").id(j.ownerColumn()).sql(", ").id(j.targetColumn()).sql("))");
        return List.of(sql.build());
    }

    /** The key columns first, then the join entity's other columns in declaration order. */
    private static List<Column> columns(Relationship r) {
        JoinTable j = r.joinTable();
        List<Column> out = new ArrayList<>();
        out.add(new Column(j.ownerColumn(), j.ownerType(), true));
        out.add(new Column(j.targetColumn(), j.targetType(), true));
        EntityMeta<?> entity = j.entity();
        if (entity != null) {
            for (Property p : entity.properties()) {
                if (!p.column().equalsIgnoreCase(j.ownerColumn()) && !p.column().equalsIgnoreCase(j.targetColumn())) {
                    out.add(new Column(p.column(), p.columnType(), false));
                }
            }
        }
        return out;
    }

    /**
     * {@code CREATE INDEX IF NOT EXISTS} on the second key column of every join table, and on the foreign key of every
     * has-many whose target has no index starting with that column: a preload filters on it for every batch, and
     * PostgreSQL indexes no foreign key by itself.
     */
    List<Sql> indexes(List<EntityMeta<?>> metas) {
        List<Sql> out = new ArrayList<>();
        for (Relationship r : this.tables.values()) {
            JoinTable j = r.joinTable();
            out.add(index(j.table(), j.targetColumn()));
        }
        for (EntityMeta<?> meta : metas) {
            for (Relationship r : meta.relationships()) {
                if (r.hasMany() && !indexed(r.target(), r.foreignKey())) {
                    out.add(index(r.target().table(), r.foreignKey().column()));
                }
            }
        }
        return out.stream().distinct().toList();
    }

    private static boolean indexed(EntityMeta<?> meta, Property column) {
        return meta.id().equals(column) || meta.indexes().stream()
                .anyMatch(i -> !i.columns().isEmpty() && i.columns().get(0).equals(column));
    }

    private Sql index(String table, String column) {
        return new SqlBuilder(this.dialect).sql("CREATE INDEX IF NOT EXISTS ")
                .id(Migrator.shorten("idx_" + table + "_" + column)).sql(" ON ").id(table).sql(" (").id(column)
                .sql(")").build();
    }

    /** The two foreign-key constraints of every join table. */
    List<Migrator.Constraint> constraints() {
        List<Migrator.Constraint> out = new ArrayList<>();
        for (Relationship r : this.tables.values()) {
            JoinTable j = r.joinTable();
            constraint(out, r, j.ownerName(), j.ownerColumn(), r.owner(), r.foreignKey());
            constraint(out, r, j.targetName(), j.targetColumn(), r.target(), r.references());
        }
        return out;
    }

    private void constraint(List<Migrator.Constraint> out, Relationship r, String side, String column,
            EntityMeta<?> referencedSide, Property referenced) {
        JoinTable j = r.joinTable();
        boolean unique = (referenced.equals(referencedSide.id()) && !referencedSide.compositeKey())
                || referencedSide.indexes().stream()
                        .anyMatch(i -> i.unique() && i.columns().size() == 1 && i.columns().get(0).equals(referenced));
        if (!unique) {
            // Explicit actions on a non-unique key were rejected when the mapping was resolved.
            LOG.log(System.Logger.Level.INFO, "No foreign-key constraint from {0}.{1}: {2} is not unique (mark it "
                    + "@UniqueIndex to get one)", j.table(), column, referenced);
            return;
        }
        if (!referenced.equals(referencedSide.id()) && this.dialect.foreignKeyNeedsUniqueConstraint()) {
            // H2 wants a UNIQUE constraint, not only a unique index, under a referenced column (Migrator does the
            // same for has-one and belongs-to).
            String uniqueName = "uni_" + referencedSide.table() + "_" + referenced.column();
            out.add(new Migrator.Constraint(uniqueName, new SqlBuilder(this.dialect).sql("ALTER TABLE ")
                    .id(referencedSide.table()).sql(" ADD CONSTRAINT ").id(uniqueName).sql(" UNIQUE (")
                    .id(referenced.column()).sql(")").build(), false));
        }
        String name = Migrator.shorten("fk_" + j.table() + "_" + side);
        Action onDelete = r.onDelete() == Action.DEFAULT ? Action.CASCADE : r.onDelete();
        SqlBuilder sql = new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(j.table()).sql(" ADD CONSTRAINT ")
                .id(name).sql(" FOREIGN KEY (").id(column).sql(") REFERENCES ").id(referencedSide.table()).sql(" (")
                .id(referenced.column()).sql(") ON DELETE ").sql(onDelete.sql());
        if (r.onUpdate() != Action.DEFAULT) {
            sql.sql(" ON UPDATE ").sql(r.onUpdate().sql());
        }
        out.add(new Migrator.Constraint(name, sql.build(), true));
    }

    private record Column(String name, Class<?> type, boolean key) {
    }
}
