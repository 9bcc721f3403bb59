package io.relata.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain, synchronous JDBC over one auto-commit connection to a {@link Fresh} database: tests set up and check
 * state with it independently of the code under test. Failures surface as {@link IllegalStateException}s that
 * name the SQL. Call it from the test thread, not from a Reactor thread (BlockHound would flag it there).
 */
public final class Jdbc {

    private final TestDatabase database;
    private final Connection connection;

    Jdbc(TestDatabase database, Connection connection) {
        this.database = database;
        this.connection = connection;
    }

    /** Runs an INSERT/UPDATE/DELETE or DDL statement with {@code ?} placeholders; returns the update count. */
    public int update(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The rows of a query, each keyed by lower-case column label, values as JDBC's {@code getObject} returns them. */
    public List<Map<String, Object>> query(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rs = statement.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            int columns = meta.getColumnCount();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The one value of a one-row, one-column result; an {@link AssertionError} for any other shape. */
    public Object single(String sql, Object... args) {
        List<Map<String, Object>> rows = query(sql, args);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new AssertionError("expected one row with one column from [" + sql + "] but got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    /** {@link #single} as a long. */
    public long count(String sql, Object... args) {
        Object value = single(sql, args);
        if (!(value instanceof Number)) {
            throw new AssertionError("expected a number from [" + sql + "] but got " + value
                    + (value == null ? "" : " (" + value.getClass().getName() + ")"));
        }
        return ((Number) value).longValue();
    }

    /** Lower-case names of the user tables of the test database (schema), sorted. */
    public List<String> tables() {
        return names("SELECT table_name FROM information_schema.tables WHERE table_schema = " + currentSchema()
                + " AND table_type = 'BASE TABLE'");
    }

    /** Lower-case names of the foreign-key constraints declared on {@code table} (any case), sorted. */
    public List<String> foreignKeys(String table) {
        return names("SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = "
                + currentSchema() + " AND constraint_type = 'FOREIGN KEY' AND LOWER(table_name) = LOWER(?)", table);
    }

    /**
     * The indexes of {@code table} (any case): lower-case index name to its lower-case columns in order, primary
     * keys and the indexes a database made for its constraints included.
     */
    public Map<String, List<String>> indexes(String table) {
        String sql = switch (database) {
            case POSTGRES -> "SELECT i.relname, a.attname FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid "
                    + "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                    + "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
                    + "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                    + "WHERE n.nspname = current_schema() AND LOWER(t.relname) = LOWER(?) ORDER BY i.relname, k.ord";
            case H2 -> "SELECT INDEX_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_SCHEMA = "
                    + "CURRENT_SCHEMA AND LOWER(TABLE_NAME) = LOWER(?) ORDER BY INDEX_NAME, ORDINAL_POSITION";
            case MARIADB -> "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = "
                    + "DATABASE() AND LOWER(TABLE_NAME) = LOWER(?) ORDER BY INDEX_NAME, SEQ_IN_INDEX";
        };
        Map<String, List<String>> indexes = new LinkedHashMap<>();
        for (Map<String, Object> row : query(sql, table)) {
            java.util.Iterator<Object> values = row.values().iterator();
            String name = String.valueOf(values.next()).toLowerCase(Locale.ROOT);
            indexes.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(String.valueOf(values.next()).toLowerCase(Locale.ROOT));
        }
        return indexes;
    }

    @Override
    public String toString() {
        return "Jdbc[" + database + "]";
    }

    void shutdownH2() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw failure("SHUTDOWN", e);
        }
    }

    void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }

    private String currentSchema() {
        return switch (database) {
            case H2 -> "CURRENT_SCHEMA";
            case POSTGRES -> "current_schema()";
            case MARIADB -> "DATABASE()";
        };
    }

    private List<String> names(String sql, Object... args) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> row : query(sql, args)) {
            names.add(String.valueOf(row.values().iterator().next()).toLowerCase(Locale.ROOT));
        }
        names.sort(null);
        return names;
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private IllegalStateException failure(String sql, SQLException e) {
        return new IllegalStateException(database + " JDBC failed: " + e.getMessage() + " [" + sql + "]", e);
    }
}
