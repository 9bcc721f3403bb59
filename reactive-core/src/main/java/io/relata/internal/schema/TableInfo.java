package io.relata.internal.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One table as the catalog declares it: its columns, indexes and foreign keys. Names are looked up as the database
 * stores them, or ignoring case where the database does (MariaDB).
 */
public final class TableInfo {

    private final String name;

    private final Map<String, ColumnInfo> columns;

    private final List<IndexInfo> indexes;

    private final List<ForeignKeyInfo> foreignKeys;

    private final boolean ignoreCase;

    /**
     * Creates a table.
     *
     * @param name the name as stored
     * @param columns the columns in order
     * @param indexes the indexes
     * @param foreignKeys the foreign keys declared on the table
     * @param ignoreCase whether names match ignoring case
     */
    public TableInfo(String name, List<ColumnInfo> columns, List<IndexInfo> indexes, List<ForeignKeyInfo> foreignKeys,
            boolean ignoreCase) {
        this.name = name;
        this.ignoreCase = ignoreCase;
        Map<String, ColumnInfo> byName = new LinkedHashMap<>();
        for (ColumnInfo column : columns) {
            byName.putIfAbsent(key(column.name()), column);
        }
        this.columns = byName;
        this.indexes = List.copyOf(indexes);
        this.foreignKeys = List.copyOf(foreignKeys);
    }

    private String key(String name) {
        return this.ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** @return the table name as stored */
    public String name() {
        return this.name;
    }

    /** @return the columns in the table's order */
    public List<ColumnInfo> columns() {
        return List.copyOf(this.columns.values());
    }

    /**
     * A column by its stored name.
     *
     * @param storedName the name as the database stores it
     * @return the column, or {@code null}
     */
    public @Nullable ColumnInfo column(String storedName) {
        return this.columns.get(key(storedName));
    }

    /** @return the indexes, primary key included */
    public List<IndexInfo> indexes() {
        return this.indexes;
    }

    /** @return the foreign keys declared on this table */
    public List<ForeignKeyInfo> foreignKeys() {
        return this.foreignKeys;
    }

    /**
     * Whether an index starts with these columns, in this order, so a search by them is an index range scan.
     *
     * @param storedColumns the columns' stored names
     * @return whether such an index exists
     */
    public boolean hasIndexStartingWith(List<String> storedColumns) {
        for (IndexInfo index : this.indexes) {
            List<@Nullable String> columns = index.columns();
            if (columns.size() >= storedColumns.size() && startsWith(columns, storedColumns)) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWith(List<@Nullable String> columns, List<String> prefix) {
        for (int i = 0; i < prefix.size(); i++) {
            String column = columns.get(i);
            if (column == null || !same(column, prefix.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The foreign key on exactly these columns to exactly these referenced columns, whatever its name.
     *
     * @param storedColumns the constrained columns
     * @param referencedTable the referenced table's stored name
     * @param referencedColumns the referenced columns' stored names
     * @return the constraint, or {@code null}
     */
    public @Nullable ForeignKeyInfo foreignKey(List<String> storedColumns, String referencedTable,
            List<String> referencedColumns) {
        for (ForeignKeyInfo fk : this.foreignKeys) {
            if (same(fk.referencedTable(), referencedTable) && sameAll(fk.columns(), storedColumns)
                    && sameAll(fk.referencedColumns(), referencedColumns)) {
                return fk;
            }
        }
        return null;
    }

    private boolean sameAll(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!same(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean same(String a, String b) {
        return this.ignoreCase ? a.equalsIgnoreCase(b) : Objects.equals(a, b);
    }

    @Override
    public String toString() {
        return this.name + this.columns.values();
    }
}
