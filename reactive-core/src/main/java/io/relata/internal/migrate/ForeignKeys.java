package io.relata.internal.migrate;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.dialect.Dialect;
import io.relata.dialect.SqlType;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Naming;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.schema.Catalog;
import io.relata.internal.schema.ForeignKeyIndex;
import io.relata.internal.schema.TableInfo;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The foreign keys of a migration: the constraints it wants (planned synchronously from the entities, so a mapping
 * error is thrown before any SQL), the index each managed foreign-key column needs, and, against the live catalog,
 * which constraints are really missing.
 *
 * <p>A constraint is left out when one of that name exists, when a constraint on the same columns to the same
 * referenced columns exists under another name (another tool made it), or when the column types cannot carry one (a
 * {@code varchar} foreign key holding a {@code bigint} key's values: PostgreSQL rejects it, "foreign key constraint
 * cannot be implemented"); the last is logged as a warning naming the table, columns and types, and
 * {@code validate} reports it.
 */
final class ForeignKeys {

    private static final System.Logger LOG = System.getLogger(ForeignKeys.class.getName());

    private final Dialect dialect;

    private final List<Planned> constraints;

    private final List<Planned> uniques;

    private final List<KeyIndex> indexes;

    /**
     * Plans the constraints and indexes of entities.
     *
     * @param dialect the dialect
     * @param metas the migrated entities, referenced tables first
     * @throws MappingException when a relationship with actions references a column that is not unique
     */
    ForeignKeys(Dialect dialect, List<EntityMeta<?>> metas) {
        this.dialect = dialect;
        Map<String, Planned> byColumns = new LinkedHashMap<>();
        // Unique constraints go first: a foreign key needs its referenced column unique when it is added.
        Map<String, Planned> uniques = new LinkedHashMap<>();
        Map<String, KeyIndex> indexes = new LinkedHashMap<>();
        for (EntityMeta<?> meta : metas) {
            for (Relationship r : meta.relationships()) {
                if (r.manyToMany()) {
                    // Its keys, index and constraints are its join table's: JoinTableMigration.
                    continue;
                }
                if (metas.contains(r.foreignKeySide())) {
                    KeyIndex index = keyIndex(r);
                    indexes.putIfAbsent(index.table() + "." + index.columns(), index);
                }
                if (r.polymorphic()) {
                    continue;
                }
                Property referenced = r.references();
                EntityMeta<?> referencedSide = r.referencedSide();
                boolean unique = referenced.equals(referencedSide.id()) || referencedSide.indexes().stream()
                        .anyMatch(i -> i.unique() && i.columns().size() == 1 && i.columns().get(0).equals(referenced));
                boolean actions = r.onUpdate() != Action.DEFAULT || r.onDelete() != Action.DEFAULT;
                if (!unique) {
                    if (actions) {
                        throw new MappingException("Cannot create the foreign-key constraint of " + r + ": the referenced "
                                + "field " + referenced + " is neither a primary key nor marked @UniqueIndex, and a "
                                + "constraint needs a unique referenced column; add @UniqueIndex to " + referenced);
                    }
                    LOG.log(System.Logger.Level.INFO, "No foreign-key constraint for {0}: {1} is not unique (mark it "
                            + "@UniqueIndex to get one)", r, referenced);
                    continue;
                }
                EntityMeta<?> fkSide = r.foreignKeySide();
                String key = fkSide.table() + "." + r.foreignKey().column() + "->" + referencedSide.table() + "."
                        + referenced.column();
                Planned existing = byColumns.get(key);
                if (existing != null && (existing.actions || !actions)) {
                    // GORM emits one constraint when both sides declare the same reference (User.CreditCard and
                    // CreditCard.User): the one with actions wins, else the first.
                    continue;
                }
                if (!referenced.equals(referencedSide.id()) && dialect.foreignKeyNeedsUniqueConstraint()) {
                    String uniqueName = "uni_" + referencedSide.table() + "_" + referenced.column();
                    uniques.putIfAbsent(uniqueName, new Planned(uniqueName, r, new SqlBuilder(dialect)
                            .sql("ALTER TABLE ").id(referencedSide.table()).sql(" ADD CONSTRAINT ").id(uniqueName)
                            .sql(" UNIQUE (").id(referenced.column()).sql(")").build(), true));
                }
                String name = constraintName(r);
                SqlBuilder sql = new SqlBuilder(dialect).sql("ALTER TABLE ").id(fkSide.table())
                        .sql(" ADD CONSTRAINT ").id(name).sql(" FOREIGN KEY (").id(r.foreignKey().column())
                        .sql(") REFERENCES ").id(referencedSide.table()).sql(" (").id(referenced.column()).sql(")");
                if (r.onDelete() != Action.DEFAULT) {
                    sql.sql(" ON DELETE ").sql(r.onDelete().sql());
                }
                if (r.onUpdate() != Action.DEFAULT) {
                    sql.sql(" ON UPDATE ").sql(r.onUpdate().sql());
                }
                byColumns.put(key, new Planned(name, r, sql.build(), actions));
            }
        }
        this.constraints = List.copyOf(byColumns.values());
        this.uniques = List.copyOf(uniques.values());
        this.indexes = List.copyOf(indexes.values());
    }

    private static KeyIndex keyIndex(Relationship r) {
        List<Property> columns = ForeignKeyIndex.columns(r);
        return new KeyIndex(r.foreignKeySide().table(), ForeignKeyIndex.name(r), columns,
                columns.size() > 1 ? r.foreignKey() : null);
    }

    /** @return the index each managed foreign-key column needs, one per table and columns */
    List<KeyIndex> indexes() {
        return this.indexes;
    }

    /**
     * The constraints still missing from the live schema, unique constraints first.
     *
     * @param session the session (H2's unique constraint names are read through it)
     * @param catalog the live schema, read after the tables were created
     * @return the statements to run
     */
    Mono<List<Sql>> constraints(Session session, Catalog catalog) {
        Mono<Set<String>> uniqueNames = this.uniques.isEmpty() ? Mono.just(Set.of()) : uniqueConstraintNames(session);
        return uniqueNames.map(existing -> {
            List<Sql> out = new ArrayList<>();
            for (Planned unique : this.uniques) {
                if (!existing.contains(unique.name.toLowerCase(Locale.ROOT))) {
                    out.add(unique.sql);
                }
            }
            for (Planned constraint : this.constraints) {
                if (missing(constraint, catalog)) {
                    out.add(constraint.sql);
                }
            }
            return out;
        });
    }

    private boolean missing(Planned constraint, Catalog catalog) {
        Relationship r = constraint.relationship;
        TableInfo table = catalog.table(r.foreignKeySide().table());
        if (table != null) {
            String column = this.dialect.storedName(r.foreignKey().column());
            if (table.foreignKeys().stream().anyMatch(fk -> fk.name().equalsIgnoreCase(constraint.name))
                    || table.foreignKey(List.of(column), this.dialect.storedName(r.referencedSide().table()),
                            List.of(this.dialect.storedName(r.references().column()))) != null) {
                return false;
            }
        }
        SqlType fkType = catalog.columnType(r.foreignKey());
        SqlType referencedType = catalog.columnType(r.references());
        if (!this.dialect.canReference(fkType, referencedType)) {
            LOG.log(System.Logger.Level.WARNING, "No foreign-key constraint {0} for {1}: column {2}.{3} ({4}) cannot "
                    + "reference {5}.{6} ({7}); the values are converted when matched, but the database does not "
                    + "check them", constraint.name, r, r.foreignKeySide().table(), r.foreignKey().column(), fkType,
                    r.referencedSide().table(), r.references().column(), referencedType);
            return false;
        }
        return true;
    }

    /** @return the lower-case names of the constraints (unique ones included) this plan may add */
    Set<String> names() {
        Set<String> names = new HashSet<>();
        for (Planned p : this.uniques) {
            names.add(p.name.toLowerCase(Locale.ROOT));
        }
        for (Planned p : this.constraints) {
            names.add(p.name.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    static Mono<Set<String>> uniqueConstraintNames(Session session) {
        Sql sql = new Sql("SELECT constraint_name FROM information_schema.table_constraints WHERE constraint_type = "
                + "'UNIQUE' AND constraint_schema = " + session.dialect().currentSchema(), List.of());
        return session.select(sql, (row, md) -> String.valueOf(row.get(0)).toLowerCase(Locale.ROOT))
                .collect(HashSet::new, Set::add);
    }

    /**
     * GORM's {@code fk_<owner table>_<field>}, cut to 56 characters plus 8 hex digits of its SHA-1 when longer than
     * 64 ({@code TestParseConstraintNameWithSchemaQualifiedLongTableName}); PostgreSQL's limit is 63.
     */
    static String constraintName(Relationship r) {
        return ForeignKeyIndex.shorten(("fk_" + r.owner().table() + "_" + Naming.snake(r.name())).replace('.', '_'));
    }

    /**
     * An index a foreign-key column needs.
     *
     * @param table the table
     * @param name the index name
     * @param columns the indexed columns
     * @param alone for a polymorphic pair, the id column, which an index may also start with alone; else {@code null}
     */
    record KeyIndex(String table, String name, List<Property> columns, @Nullable Property alone) {
    }

    private record Planned(String name, Relationship relationship, Sql sql, boolean actions) {
    }
}
