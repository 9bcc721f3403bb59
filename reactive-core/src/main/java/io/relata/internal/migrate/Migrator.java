package io.relata.internal.migrate;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.meta.Naming;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates tables, columns, indexes and foreign-key constraints, idempotently: tables are created when missing
 * (referenced tables first), missing columns are added to existing tables, indexes use {@code IF NOT EXISTS},
 * and constraints are added after every table exists (so self-references and cycles work) unless a constraint of
 * that name is already there.
 *
 * <p>Constraint placement and names follow GORM ({@code schema/relationship.go}, {@code ParseConstraint}): a
 * has-one's constraint lives on the target table, a belongs-to's on the declaring table, both named
 * {@code fk_<owner table>_<field>}; a polymorphic has-one gets none.
 */
public final class Migrator {

    private static final System.Logger LOG = System.getLogger(Migrator.class.getName());

    private final Session session;

    private final Dialect dialect;

    /**
     * Creates a migrator.
     *
     * @param session the session
     */
    public Migrator(Session session) {
        this.session = session;
        this.dialect = session.dialect();
    }

    /**
     * Plans the migration synchronously (so a mapping error is thrown before any SQL) and returns the cold work.
     *
     * @param types the entity classes
     * @return completes when the schema matches the entities
     * @throws MappingException when an entity, a relationship or a constraint cannot be mapped
     */
    public Mono<Void> migrate(Class<?>... types) {
        List<EntityMeta<?>> metas = new ArrayList<>();
        for (Class<?> type : types) {
            metas.add(Metadata.resolved(type));
        }
        for (EntityMeta<?> meta : List.copyOf(metas)) {
            for (Relationship r : meta.relationships()) {
                // A join entity's table is the join table: migrated like an entity (its composite key, its indexes),
                // even when only the side that declares it is listed.
                EntityMeta<?> entity = r.manyToMany() ? r.joinTable().entity() : null;
                if (entity != null && !metas.contains(entity)) {
                    metas.add(entity);
                }
            }
        }
        List<EntityMeta<?>> ordered = dependencyOrder(metas);
        JoinTableMigration joins = new JoinTableMigration(this.dialect, ordered);
        // By name: a join entity may declare belongs-to fields for its key columns, whose constraints are the join
        // table's own; the join table's (with its ON DELETE CASCADE) wins.
        Map<String, Constraint> byName = new LinkedHashMap<>();
        for (Constraint c : constraints(ordered)) {
            byName.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
        }
        for (Constraint c : joins.constraints()) {
            byName.put(c.name().toLowerCase(Locale.ROOT), c);
        }
        List<Constraint> constraints = List.copyOf(byName.values());
        return Flux.fromIterable(ordered).concatMap(this::table)
                .thenMany(Flux.fromIterable(joins.tables()).concatMap(j -> existingColumns(j.joinTable().table())
                        .flatMapMany(columns -> Flux.fromIterable(joins.create(j, columns)))
                        .concatMap(this.session::update)))
                .thenMany(Flux.fromIterable(ordered).concatMap(this::indexes))
                .thenMany(Flux.fromIterable(joins.indexes(ordered)).concatMap(this.session::update))
                .then(existingConstraints())
                .flatMapMany(existing -> Flux.fromIterable(constraints)
                        .filter(c -> !existing.contains(c.name().toLowerCase(Locale.ROOT)))
                        .concatMap(c -> this.session.update(c.sql())))
                .then();
    }

    /** Referenced tables first, so a reader of the DDL sees parents before children; cycles keep declaration order. */
    private static List<EntityMeta<?>> dependencyOrder(List<EntityMeta<?>> metas) {
        Set<EntityMeta<?>> done = new LinkedHashSet<>();
        Set<EntityMeta<?>> visiting = new HashSet<>();
        for (EntityMeta<?> m : metas) {
            visit(m, metas, done, visiting);
        }
        return new ArrayList<>(done);
    }

    private static void visit(EntityMeta<?> m, List<EntityMeta<?>> all, Set<EntityMeta<?>> done,
            Set<EntityMeta<?>> visiting) {
        if (done.contains(m) || !visiting.add(m)) {
            return;
        }
        for (EntityMeta<?> other : all) {
            for (Relationship r : other.relationships()) {
                // A many-to-many's keys live in its join table, created after every entity table.
                if (!r.manyToMany() && r.foreignKeySide() == m && r.referencedSide() != m && all.contains(r.referencedSide())
                        && !r.polymorphic()) {
                    visit(r.referencedSide(), all, done, visiting);
                }
            }
        }
        done.add(m);
    }

    private Mono<Void> table(EntityMeta<?> meta) {
        return existingColumns(meta.table()).flatMap(columns -> {
            if (columns.isEmpty()) {
                return this.session.update(createTable(meta)).then();
            }
            List<Sql> alters = new ArrayList<>();
            for (Property p : meta.properties()) {
                if (!columns.contains(p.column().toLowerCase(Locale.ROOT))) {
                    alters.add(new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(meta.table()).sql(" ADD COLUMN ")
                            .id(p.column()).sql(" ").sql(this.dialect.columnType(p.columnType())).build());
                }
            }
            return Flux.fromIterable(alters).concatMap(this.session::update).then();
        });
    }

    private Sql createTable(EntityMeta<?> meta) {
        SqlBuilder sql = new SqlBuilder(this.dialect).sql("CREATE TABLE IF NOT EXISTS ").id(meta.table()).sql(" (");
        List<Property> properties = meta.properties();
        for (int i = 0; i < properties.size(); i++) {
            Property p = properties.get(i);
            sql.sql(i == 0 ? "" : ", ").id(p.column()).sql(" ");
            if (meta.compositeKey()) {
                // A join entity's keys: NOT NULL, with the composite primary key after the columns.
                sql.sql(this.dialect.columnType(p.columnType())).sql(meta.keys().contains(p) ? " NOT NULL" : "");
            }
            else if (p.equals(meta.id())) {
                sql.sql(meta.generatedId() ? this.dialect.identityColumn(p.columnType())
                        : this.dialect.columnType(p.columnType()) + " PRIMARY KEY");
            }
            else {
                sql.sql(this.dialect.columnType(p.columnType()));
            }
        }
        if (meta.compositeKey()) {
            sql.sql(", PRIMARY KEY (");
            for (int i = 0; i < meta.keys().size(); i++) {
                sql.sql(i == 0 ? "" : ", ").id(meta.keys().get(i).column());
            }
            sql.sql(")");
        }
        return sql.sql(")").build();
    }

    private Flux<Long> indexes(EntityMeta<?> meta) {
        List<Sql> statements = new ArrayList<>();
        for (EntityMeta.IndexDef index : meta.indexes()) {
            SqlBuilder sql = new SqlBuilder(this.dialect).sql(index.unique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ")
                    .sql("IF NOT EXISTS ").id(index.name()).sql(" ON ").id(meta.table()).sql(" (");
            for (int i = 0; i < index.columns().size(); i++) {
                sql.sql(i == 0 ? "" : ", ").id(index.columns().get(i).column());
            }
            statements.add(sql.sql(")").build());
        }
        return Flux.fromIterable(statements).concatMap(this.session::update);
    }

    private String schemaCondition() {
        return "table_schema = " + this.dialect.currentSchema();
    }

    private Mono<Set<String>> existingColumns(String table) {
        Sql sql = new SqlBuilder(this.dialect)
                .sql("SELECT column_name FROM information_schema.columns WHERE " + schemaCondition()
                        + " AND LOWER(table_name) = ")
                .bind(table.toLowerCase(Locale.ROOT), String.class).build();
        return this.session.select(sql, (row, md) -> String.valueOf(row.get(0)).toLowerCase(Locale.ROOT))
                .collect(HashSet::new, Set::add);
    }

    private Mono<Set<String>> existingConstraints() {
        Sql sql = new Sql("SELECT constraint_name FROM information_schema.table_constraints WHERE "
                + "constraint_type IN ('FOREIGN KEY', 'UNIQUE') AND "
                + schemaCondition().replace("table_schema", "constraint_schema"),
                List.of());
        return this.session.select(sql, (row, md) -> String.valueOf(row.get(0)).toLowerCase(Locale.ROOT))
                .collect(HashSet::new, Set::add);
    }

    private List<Constraint> constraints(List<EntityMeta<?>> metas) {
        Map<String, Constraint> byColumns = new LinkedHashMap<>();
        // Unique constraints go first: a foreign key needs its referenced column unique when it is added.
        Map<String, Constraint> uniques = new LinkedHashMap<>();
        for (EntityMeta<?> meta : metas) {
            for (Relationship r : meta.relationships()) {
                if (r.polymorphic() || r.manyToMany()) {
                    // Polymorphic: GORM creates no constraint. Many-to-many: JoinTableMigration's.
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
                Constraint existing = byColumns.get(key);
                if (existing != null && (existing.actions || !actions)) {
                    // GORM emits one constraint when both sides declare the same reference (User.CreditCard and
                    // CreditCard.User): the one with actions wins, else the first.
                    continue;
                }
                if (!referenced.equals(referencedSide.id()) && this.dialect.foreignKeyNeedsUniqueConstraint()) {
                    String uniqueName = uniqueConstraintName(referencedSide, referenced);
                    uniques.putIfAbsent(uniqueName, new Constraint(uniqueName, new SqlBuilder(this.dialect)
                            .sql("ALTER TABLE ").id(referencedSide.table()).sql(" ADD CONSTRAINT ").id(uniqueName)
                            .sql(" UNIQUE (").id(referenced.column()).sql(")").build(), true));
                }
                String name = constraintName(r);
                SqlBuilder sql = new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(fkSide.table())
                        .sql(" ADD CONSTRAINT ").id(name).sql(" FOREIGN KEY (").id(r.foreignKey().column())
                        .sql(") REFERENCES ").id(referencedSide.table()).sql(" (").id(referenced.column()).sql(")");
                if (r.onDelete() != Action.DEFAULT) {
                    sql.sql(" ON DELETE ").sql(r.onDelete().sql());
                }
                if (r.onUpdate() != Action.DEFAULT) {
                    sql.sql(" ON UPDATE ").sql(r.onUpdate().sql());
                }
                byColumns.put(key, new Constraint(name, sql.build(), actions));
            }
        }
        List<Constraint> out = new ArrayList<>(uniques.values());
        out.addAll(byColumns.values());
        return out;
    }

    /** GORM's name for a unique constraint ({@code NamingStrategy.UniqueName}): {@code uni_<table>_<column>}. */
    private static String uniqueConstraintName(EntityMeta<?> meta, Property column) {
        return "uni_" + meta.table() + "_" + column.column();
    }

    /**
     * GORM's {@code fk_<owner table>_<field>}, cut to 56 characters plus 8 hex digits of its SHA-1 when longer than
     * 64 ({@code TestParseConstraintNameWithSchemaQualifiedLongTableName}); PostgreSQL's limit is 63.
     */
    static String constraintName(Relationship r) {
        return shorten(("fk_" + r.owner().table() + "_" + Naming.snake(r.name())).replace('.', '_'));
    }

    /** A constraint or index name cut as GORM cuts it, to fit PostgreSQL's 63 characters. */
    static String shorten(String name) {
        if (name.length() <= 63) {
            return name;
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, 55) + HexFormat.of().formatHex(sha).substring(0, 8);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", ex);
        }
    }

    /**
     * A named constraint statement, added unless a constraint of that name exists.
     *
     * @param name the constraint name
     * @param sql the {@code ALTER TABLE ... ADD CONSTRAINT} statement
     * @param actions whether it carries {@code ON UPDATE}/{@code ON DELETE} actions the mapping asked for
     */
    record Constraint(String name, Sql sql, boolean actions) {
    }
}
