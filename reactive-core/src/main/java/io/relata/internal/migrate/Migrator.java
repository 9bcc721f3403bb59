package io.relata.internal.migrate;

import io.relata.MappingException;
import io.relata.dialect.Dialect;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.schema.Catalog;
import io.relata.internal.schema.ColumnInfo;
import io.relata.internal.schema.IndexInfo;
import io.relata.internal.schema.TableInfo;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Brings the schema up to the entities, additively and idempotently: it reads what exists first (the live catalog),
 * creates missing tables (referenced tables first), adds missing columns, creates missing indexes (an index with
 * the same columns under another name counts), indexes every foreign-key column it manages, and adds the
 * foreign-key constraints that are missing ({@link ForeignKeys}). It never drops or alters anything that is there,
 * and a second run sends no DDL.
 *
 * <p>Constraint placement and names follow GORM ({@code schema/relationship.go}, {@code ParseConstraint}): a
 * has-one's or has-many's constraint lives on the target table, a belongs-to's on the declaring table, all named
 * {@code fk_<owner table>_<field>}; a polymorphic one gets none. Many-to-many join tables are created after the
 * entity tables, with their keys, index and constraints ({@link JoinTableMigration}).
 */
public final class Migrator {

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
        ForeignKeys keys = new ForeignKeys(this.dialect, ordered);
        JoinTableMigration joins = new JoinTableMigration(this.dialect, ordered);
        List<String> all = Catalog.tablesOf(ordered);
        Catalog catalog = this.session.catalog();
        // Columns each table has so far, by key: two entities may share a table.
        Map<String, Set<String>> columns = new HashMap<>();
        return this.session.refreshCatalog(all)
                .then(Flux.fromIterable(ordered)
                        .concatMap(meta -> Mono.defer(() -> run(tableStatements(meta, catalog, columns))))
                        .concatWith(Flux.fromIterable(joins.tables())
                                .concatMap(r -> Mono.defer(() -> run(joins.create(r, catalog)))))
                        .reduce(0L, Long::sum))
                .flatMap(changed -> changed > 0 ? this.session.refreshCatalog(all) : Mono.empty())
                .then(Mono.defer(() -> run(indexStatements(ordered, keys, catalog))))
                .then(Mono.defer(() -> run(joins.indexes(catalog))))
                .then(Mono.defer(() -> keys.constraints(this.session, catalog).flatMap(this::run)))
                .then(Mono.defer(() -> joins.constraints(this.session, catalog, keys.names()).flatMap(this::run)))
                .then(Mono.defer(() -> this.session.refreshCatalog(all)));
    }

    private Mono<Long> run(List<Sql> statements) {
        return Flux.fromIterable(statements).concatMap(this.session::update).count();
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

    /** {@code CREATE TABLE} when the table is missing, else {@code ADD COLUMN} for each missing column. */
    private List<Sql> tableStatements(EntityMeta<?> meta, Catalog catalog, Map<String, Set<String>> columns) {
        Set<String> known = columns.get(meta.table());
        if (known == null) {
            known = new HashSet<>();
            columns.put(meta.table(), known);
            TableInfo table = catalog.table(meta.table());
            if (table == null) {
                for (Property p : meta.properties()) {
                    known.add(columnKey(p));
                }
                return List.of(createTable(meta));
            }
            for (ColumnInfo column : table.columns()) {
                known.add(columnKey(column.name()));
            }
        }
        List<Sql> alters = new ArrayList<>();
        for (Property p : meta.properties()) {
            if (known.add(columnKey(p))) {
                alters.add(new SqlBuilder(this.dialect).sql("ALTER TABLE ").id(meta.table()).sql(" ADD COLUMN ")
                        .id(p.column()).sql(" ").sql(this.dialect.columnType(p.columnType())).build());
            }
        }
        return alters;
    }

    private String columnKey(Property p) {
        return columnKey(this.dialect.storedName(p.column()));
    }

    private String columnKey(String stored) {
        return this.dialect.caseInsensitiveCatalog() ? stored.toLowerCase(java.util.Locale.ROOT) : stored;
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

    /**
     * The entities' declared indexes that are missing (by name, or by the same columns under another name), then an
     * index on every foreign-key column migrate manages that no index starts with yet: before the constraints, so
     * MariaDB uses it instead of creating one of its own.
     */
    private List<Sql> indexStatements(List<EntityMeta<?>> metas, ForeignKeys keys, Catalog catalog) {
        List<Sql> statements = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        for (EntityMeta<?> meta : metas) {
            TableInfo table = catalog.table(meta.table());
            for (EntityMeta.IndexDef index : meta.indexes()) {
                List<String> columns = new ArrayList<>();
                for (Property p : index.columns()) {
                    columns.add(this.dialect.storedName(p.column()));
                }
                planned.add(new Planned(meta.table(), columns));
                if (table != null && exists(table, index.name(), columns, index.unique())) {
                    continue;
                }
                statements.add(createIndex(meta.table(), index.name(), index.columns(), index.unique()));
            }
        }
        for (ForeignKeys.KeyIndex index : keys.indexes()) {
            TableInfo table = catalog.table(index.table());
            List<String> columns = new ArrayList<>();
            for (Property p : index.columns()) {
                columns.add(this.dialect.storedName(p.column()));
            }
            Property alone = index.alone();
            if (covered(table, planned, index.table(), columns) || (alone != null
                    && covered(table, planned, index.table(), List.of(this.dialect.storedName(alone.column()))))) {
                continue;
            }
            planned.add(new Planned(index.table(), columns));
            statements.add(createIndex(index.table(), index.name(), index.columns(), false));
        }
        return statements;
    }

    private boolean exists(TableInfo table, String name, List<String> columns, boolean unique) {
        for (IndexInfo existing : table.indexes()) {
            if (this.dialect.storedName(name).equalsIgnoreCase(existing.name())
                    || (existing.columns().equals(columns) && (existing.unique() || !unique))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an existing or already planned index starts with these columns. */
    private static boolean covered(TableInfo table, List<Planned> planned, String tableName, List<String> columns) {
        if (table != null && table.hasIndexStartingWith(columns)) {
            return true;
        }
        for (Planned p : planned) {
            if (p.table.equals(tableName) && p.columns.size() >= columns.size()
                    && p.columns.subList(0, columns.size()).equals(columns)) {
                return true;
            }
        }
        return false;
    }

    private Sql createIndex(String table, String name, List<Property> columns, boolean unique) {
        SqlBuilder sql = new SqlBuilder(this.dialect).sql(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ")
                .sql("IF NOT EXISTS ").id(name).sql(" ON ").id(table).sql(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").id(columns.get(i).column());
        }
        return sql.sql(")").build();
    }

    private record Planned(String table, List<String> columns) {
    }
}
