package io.relata.internal.schema;

import io.relata.SchemaReport;
import io.relata.SchemaReport.Kind;
import io.relata.SchemaReport.Problem;
import io.relata.dialect.Conversions;
import io.relata.dialect.Dialect;
import io.relata.dialect.SqlType;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.meta.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares entities with the live catalog, changing nothing: missing tables and columns, columns whose type cannot
 * hold their field's values, foreign-key columns no index starts with, and foreign keys whose column types no
 * constraint can join. Every problem is collected; none stops the check.
 */
public final class SchemaValidator {

    private final Dialect dialect;

    private final Catalog catalog;

    private final Conversions conversions;

    /**
     * Creates a validator.
     *
     * @param dialect the dialect
     * @param catalog the live schema, read for every table checked
     * @param conversions the conversions of the instance's zone
     */
    public SchemaValidator(Dialect dialect, Catalog catalog, Conversions conversions) {
        this.dialect = dialect;
        this.catalog = catalog;
        this.conversions = conversions;
    }

    /**
     * Checks entities against the catalog as read.
     *
     * @param metas the entities
     * @return every problem found
     */
    public SchemaReport check(List<EntityMeta<?>> metas) {
        List<Problem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (EntityMeta<?> meta : metas) {
            String entity = meta.type().getSimpleName();
            TableInfo table = this.catalog.table(meta.table());
            if (table == null) {
                add(problems, seen, new Problem(entity, null, meta.table(), null, Kind.MISSING_TABLE, "table "
                        + meta.table() + " does not exist (migrate creates it)"));
                continue;
            }
            Set<Property> keys = keys(meta);
            for (Property p : meta.properties()) {
                ColumnInfo column = table.column(this.dialect.storedName(p.column()));
                if (column == null) {
                    add(problems, seen, new Problem(entity, p.name(), meta.table(), p.column(), Kind.MISSING_COLUMN,
                            "column " + meta.table() + "." + p.column() + " does not exist (migrate adds it as "
                                    + this.dialect.columnType(p.columnType()) + ")"));
                }
                else if (!compatible(p, column.type(), keys.contains(p))) {
                    add(problems, seen, new Problem(entity, p.name(), meta.table(), p.column(), Kind.INCOMPATIBLE_TYPE,
                            "column " + meta.table() + "." + p.column() + " is " + column.type().name() + ", which "
                                    + "cannot hold the values of " + p + " (" + p.type().getTypeName() + ")"));
                }
            }
            for (Relationship r : meta.relationships()) {
                foreignKey(r, problems, seen);
            }
        }
        return SchemaReport.of(problems);
    }

    /** The properties of an entity that hold keys (primary, foreign, referenced), which may be text holding numbers. */
    private static Set<Property> keys(EntityMeta<?> meta) {
        Set<Property> keys = new HashSet<>();
        keys.add(meta.id());
        for (Relationship r : meta.relationships()) {
            keys.add(r.foreignKey());
            keys.add(r.references());
        }
        return keys;
    }

    /**
     * Whether values convert both ways between the field and the column. A text column holding what a number,
     * boolean or timestamp field has is not, unless the field is a key (GORM's string foreign key to a numeric id):
     * any row's text could make a read fail.
     */
    private boolean compatible(Property p, SqlType type, boolean key) {
        Class<?> column = this.dialect.bindClass(type);
        if (column == null) {
            return false;
        }
        Class<?> field = Types.boxed(p.type());
        if (type.kind().textual() && field != String.class && !field.isEnum() && field != java.util.UUID.class && !key) {
            return false;
        }
        return this.conversions.convertible(column, field) && this.conversions.convertible(field, column);
    }

    private void foreignKey(Relationship r, List<Problem> problems, Set<String> seen) {
        if (r.manyToMany()) {
            // Its foreign keys are its join table's, whose primary key leads with the owner's column.
            return;
        }
        EntityMeta<?> side = r.foreignKeySide();
        TableInfo table = this.catalog.table(side.table());
        ColumnInfo column = table == null ? null : table.column(this.dialect.storedName(r.foreignKey().column()));
        if (column == null) {
            return;
        }
        String entity = side.type().getSimpleName();
        if (!ForeignKeyIndex.exists(table, this.dialect, r)) {
            add(problems, seen, new Problem(entity, r.foreignKey().name(), side.table(), r.foreignKey().column(),
                    Kind.MISSING_FOREIGN_KEY_INDEX, "no index starts with foreign key " + side.table() + "."
                            + r.foreignKey().column() + " of " + r.owner().type().getSimpleName() + "." + r.name()
                            + ", so every preload and join scans the table; fix: "
                            + ForeignKeyIndex.createStatement(this.dialect, r)));
        }
        if (r.polymorphic()) {
            return;
        }
        TableInfo referencedTable = this.catalog.table(r.referencedSide().table());
        ColumnInfo referenced = referencedTable == null ? null
                : referencedTable.column(this.dialect.storedName(r.references().column()));
        if (referenced != null && !this.dialect.canReference(column.type(), referenced.type())) {
            add(problems, seen, new Problem(entity, r.foreignKey().name(), side.table(), r.foreignKey().column(),
                    Kind.FOREIGN_KEY_TYPE_MISMATCH, "foreign key " + side.table() + "." + r.foreignKey().column() + " ("
                            + column.type().name() + ") references " + r.referencedSide().table() + "."
                            + r.references().column() + " (" + referenced.type().name() + "): no constraint can join "
                            + "these types, so the database does not check the values (Relata converts them)"));
        }
    }

    private static void add(List<Problem> problems, Set<String> seen, Problem problem) {
        if (seen.add(problem.kind() + " " + problem.table() + "." + problem.column())) {
            problems.add(problem);
        }
    }
}
