package io.relata.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Helpers of the association suites ({@link AssociationTck}, {@link HasManyTck}, {@link ManyToManyTck},
 * {@link ToManyPreloadTck}): documented steps whose statements are logged for the docs, statement text without
 * quoting, and plain-SQL checks.
 */
public abstract class AssociationTestSupport extends DatabaseTestSupport {

    /**
     * Runs a documented step with a fresh statement log, appends the statements to {@code -Drelata.sqlLog} (when
     * set, for docs/associations.md), and returns them.
     */
    protected List<String> step(String title, Runnable work) {
        this.statements.clear();
        work.run();
        List<String> sent = new ArrayList<>(this.statements);
        SqlLog.append(database(), getClass().getSimpleName(), title, sent);
        return sent;
    }

    /** A statement lower-cased and without identifier quotes, for dialect-independent checks. */
    protected static String unquoted(String sql) {
        return sql.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
    }

    protected static List<String> unquoted(List<String> sql) {
        return sql.stream().map(AssociationTestSupport::unquoted).toList();
    }

    /**
     * Whether an unquoted statement inserts several rows at once: from one array per column where the dialect does
     * that ({@code Dialect.supportsArrayInsert()}), else as a multi-row {@code VALUES} list.
     */
    protected boolean multiRowInsert(String sql) {
        return this.db.dialect().supportsArrayInsert() ? sql.contains(" from unnest(")
                : sql.contains(" values (") && sql.contains("), (");
    }

    /** The statements that read, write or change a table (by name, unquoted). */
    protected List<String> touching(String table) {
        List<String> out = new ArrayList<>();
        for (String s : unquoted(this.statements)) {
            if (s.matches("(?s).*\\b" + table + "\\b.*")) {
                out.add(s);
            }
        }
        return out;
    }

    protected long count(String sql, Object... args) {
        return this.jdbc.count(sql, args);
    }

    /** A column of every row of a query, as strings ({@code null} as "null"), in the query's order. */
    protected List<String> column(String sql, Object... args) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> row : this.jdbc.query(sql, args)) {
            Object v = row.values().iterator().next();
            out.add(v instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(v));
        }
        return out;
    }

    /** The lower-case names of a table's indexes, read from the database's catalogue. */
    protected List<String> indexes(String table) {
        String sql = switch (database()) {
            case POSTGRES -> "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?";
            case H2 -> "SELECT index_name FROM information_schema.indexes WHERE table_schema = CURRENT_SCHEMA "
                    + "AND LOWER(table_name) = LOWER(?)";
            case MARIADB -> "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = "
                    + "DATABASE() AND table_name = ?";
        };
        List<String> out = new ArrayList<>();
        for (String name : column(sql, table)) {
            out.add(name.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The lower-case columns of a table, in table order. */
    protected List<String> columns(String table) {
        List<String> out = new ArrayList<>();
        for (String c : column("SELECT column_name FROM information_schema.columns WHERE LOWER(table_name) = LOWER(?) "
                + "AND table_schema = " + currentSchema() + " ORDER BY ordinal_position", table)) {
            out.add(c.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The lower-case primary-key columns of a table, in key order. */
    protected List<String> primaryKey(String table) {
        List<String> out = new ArrayList<>();
        for (String c : column("SELECT k.column_name FROM information_schema.table_constraints t "
                + "JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name "
                + "AND k.table_name = t.table_name AND k.table_schema = t.table_schema "
                + "WHERE t.constraint_type = 'PRIMARY KEY' AND LOWER(t.table_name) = LOWER(?) "
                + "AND t.table_schema = " + currentSchema() + " ORDER BY k.ordinal_position", table)) {
            out.add(c.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private String currentSchema() {
        return switch (database()) {
            case H2 -> "CURRENT_SCHEMA";
            case POSTGRES -> "current_schema()";
            case MARIADB -> "DATABASE()";
        };
    }
}
