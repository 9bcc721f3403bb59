package io.relata.internal.migrate;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.schema.Catalog;
import io.relata.internal.schema.ColumnInfo;
import io.relata.internal.schema.ForeignKeyIndex;
import io.relata.internal.schema.TableInfo;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The schema of many-to-many associations: their join tables (GORM's {@code AutoMigrate} creates them with the
 * owner's table), additively against the live catalog like the rest of a migration.
 *
 * <p>A join table gets its two key columns ({@code NOT NULL}, typed like the keys they reference), a composite primary
 * key over both (owner first), an index on the second key column (the primary key's index serves the first), and a
 * foreign-key constraint to each side, named as GORM names them ({@code fk_user_languages_user},
 * {@code fk_user_languages_language}) and {@code ON DELETE CASCADE} unless the mapping says otherwise: a join row
 * means nothing once either side is gone. Both sides of a back-reference ({@code User.languages},
 * {@code Language.users}) describe one table, created once. A join table mapped by a join entity is created as that
 * entity's table (its own columns, composite key and indexes); its index and constraints are added here.
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
        if (!sameColumns(a, b) && !sameColumns(a, b.mirrored())) {
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
     * The statements that create a join table without a join entity, or add the key columns it lacks.
     *
     * @param r the relationship that declares it
     * @param catalog the live schema
     */
    List<Sql> create(Relationship r, Catalog catalog) {
        JoinTable j = r.joinTable();
        if (j.entity() != null) {
            return List.of();
        }
        TableInfo table = catalog.table(j.table());
        if (table != null) {
            List<Sql> alters = new ArrayList<>();
            for (String column : List.of(j.ownerColumn(), j.targetColumn())) {
                if (table.column(this.dialect.storedName(column)) == null && !hasColumn(table, column)) {
                    Class<?> type = column.equals(j.ownerColumn()) ? j.ownerType() : j.targetType();
                    alters.add(new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(j.table()).sql(" ADD COLUMN ")
                            .id(column).sql(" ").sql(this.dialect.columnType(type)).build());
                }
            }
            return alters;
        }
        return List.of(new SqlBuilder(this.dialect).sql("CREATE TABLE IF NOT EXISTS ").id(j.table()).sql(" (")
                .id(j.ownerColumn()).sql(" ").sql(this.dialect.columnType(j.ownerType())).sql(" NOT NULL, ")
                .id(j.targetColumn()).sql(" ").sql(this.dialect.columnType(j.targetType())).sql(" NOT NULL, ")
                .sql("PRIMARY KEY (").id(j.ownerColumn()).sql(", ").id(j.targetColumn()).sql("))").build());
    }

    private static boolean hasColumn(TableInfo table, String column) {
        for (ColumnInfo c : table.columns()) {
            if (c.name().equalsIgnoreCase(column)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code CREATE INDEX IF NOT EXISTS} on the second key column of every join table no index starts with yet: lookups
     * from the other side (a back-reference's preload, a cascade of deletes from the target) search by it.
     *
     * @param catalog the live schema, read after the tables were created
     */
    List<Sql> indexes(Catalog catalog) {
        List<Sql> out = new ArrayList<>();
        for (Relationship r : this.tables.values()) {
            JoinTable j = r.joinTable();
            TableInfo table = catalog.table(j.table());
            if (table != null && table.hasIndexStartingWith(List.of(this.dialect.storedName(j.targetColumn())))) {
                continue;
            }
            out.add(new SqlBuilder(this.dialect).sql("CREATE INDEX IF NOT EXISTS ")
                    .id(ForeignKeyIndex.shorten("idx_" + j.table() + "_" + j.targetColumn())).sql(" ON ").id(j.table())
                    .sql(" (").id(j.targetColumn()).sql(")").build());
        }
        return out;
    }

    /**
     * The two foreign-key constraints of every join table that the live schema lacks (by name, or the same columns to
     * the same referenced columns under another name), and on H2 the unique constraints they need first.
     *
     * @param session the session (H2's unique constraint names are read through it)
     * @param catalog the live schema, read after the tables were created
     * @param planned lower-case names of the constraints the entities' own foreign keys add, left to them
     */
    Mono<List<Sql>> constraints(Session session, Catalog catalog, Set<String> planned) {
        List<Constraint> all = new ArrayList<>();
        for (Relationship r : this.tables.values()) {
            JoinTable j = r.joinTable();
            constraint(all, r, j.ownerName(), j.ownerColumn(), r.owner(), r.foreignKey());
            constraint(all, r, j.targetName(), j.targetColumn(), r.target(), r.references());
        }
        boolean uniques = all.stream().anyMatch(c -> c.unique != null);
        Mono<Set<String>> uniqueNames = uniques ? ForeignKeys.uniqueConstraintNames(session) : Mono.just(Set.of());
        return uniqueNames.map(existing -> {
            List<Sql> out = new ArrayList<>();
            Set<String> added = new java.util.HashSet<>();
            for (Constraint c : all) {
                String unique = c.uniqueName.toLowerCase(Locale.ROOT);
                if (c.unique != null && !existing.contains(unique) && !planned.contains(unique) && added.add(unique)) {
                    out.add(c.unique);
                }
            }
            for (Constraint c : all) {
                if (!planned.contains(c.name.toLowerCase(Locale.ROOT)) && missing(c, catalog)) {
                    out.add(c.sql);
                }
            }
            return out;
        });
    }

    private boolean missing(Constraint c, Catalog catalog) {
        TableInfo table = catalog.table(c.table);
        if (table == null) {
            return true;
        }
        return table.foreignKeys().stream().noneMatch(fk -> fk.name().equalsIgnoreCase(c.name))
                && table.foreignKey(List.of(this.dialect.storedName(c.column)),
                        this.dialect.storedName(c.referencedTable),
                        List.of(this.dialect.storedName(c.referencedColumn))) == null;
    }

    private void constraint(List<Constraint> out, Relationship r, String side, String column,
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
        Sql uniqueSql = null;
        String uniqueName = "uni_" + referencedSide.table() + "_" + referenced.column();
        if (!referenced.equals(referencedSide.id()) && this.dialect.foreignKeyNeedsUniqueConstraint()) {
            // H2 wants a UNIQUE constraint, not only a unique index, under a referenced column (ForeignKeys does the
            // same for has-one and belongs-to).
            uniqueSql = new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(referencedSide.table())
                    .sql(" ADD CONSTRAINT ").id(uniqueName).sql(" UNIQUE (").id(referenced.column()).sql(")").build();
        }
        String name = ForeignKeyIndex.shorten("fk_" + j.table() + "_" + side);
        Action onDelete = r.onDelete() == Action.DEFAULT ? Action.CASCADE : r.onDelete();
        SqlBuilder sql = new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(j.table()).sql(" ADD CONSTRAINT ")
                .id(name).sql(" FOREIGN KEY (").id(column).sql(") REFERENCES ").id(referencedSide.table()).sql(" (")
                .id(referenced.column()).sql(") ON DELETE ").sql(onDelete.sql());
        if (r.onUpdate() != Action.DEFAULT) {
            sql.sql(" ON UPDATE ").sql(r.onUpdate().sql());
        }
        out.add(new Constraint(name, sql.build(), j.table(), column, referencedSide.table(), referenced.column(),
                uniqueSql, uniqueName));
    }

    private record Constraint(String name, Sql sql, String table, String column, String referencedTable,
            String referencedColumn, @org.jspecify.annotations.Nullable Sql unique, String uniqueName) {
    }
}
