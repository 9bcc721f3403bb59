package io.relata.internal.exec;

import io.r2dbc.spi.Statement;
import io.relata.dialect.Conversions;
import io.relata.dialect.Dialect;
import io.relata.dialect.SqlType;
import io.relata.internal.meta.Property;
import io.relata.internal.schema.Catalog;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.ColumnValues;
import io.relata.internal.sql.Sql;
import java.lang.reflect.Array;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Converts a statement's binds for the driver as it is sent, through the dialect's one conversion table: a value
 * headed to a mapped column for the column's real type (from the {@link Catalog}, or the type {@code migrate} gives
 * it when the table is not there), any other value by its own class, in the instance's time zone. So an
 * {@code Instant} bound to a PostgreSQL {@code timestamp} column is its wall time in that zone rather than whatever
 * the server makes of it in the JVM's zone, and a numeric key headed to a {@code varchar} foreign key is its text.
 */
public final class Binder {

    private final Dialect dialect;

    private final ZoneId zone;

    private final Conversions conversions;

    private final Catalog catalog;

    /**
     * Creates a binder.
     *
     * @param dialect the dialect
     * @param zone the zone {@code timestamp without time zone} values are wall times in
     * @param catalog the live schema
     */
    public Binder(Dialect dialect, ZoneId zone, Catalog catalog) {
        this.dialect = dialect;
        this.zone = zone;
        this.conversions = Conversions.of(zone);
        this.catalog = catalog;
    }

    /** @return the zone {@code timestamp without time zone} values are wall times in */
    public ZoneId zone() {
        return this.zone;
    }

    /** @return the conversions of that zone */
    public Conversions conversions() {
        return this.conversions;
    }

    /** @return the live schema */
    public Catalog catalog() {
        return this.catalog;
    }

    /**
     * The tables whose columns a statement binds values to and which the catalog has not read yet.
     *
     * @param sql the statement
     * @return the tables to read before binding, usually none
     */
    List<String> unreadTables(Sql sql) {
        List<String> tables = null;
        String last = null;
        for (Bind bind : sql.binds()) {
            Property column = bind.column();
            // A multi-row insert binds thousands of columns of one table: each table is listed once.
            if (column != null && !column.owner().table().equals(last)) {
                last = column.owner().table();
                if (tables == null) {
                    tables = new ArrayList<>(2);
                }
                if (!tables.contains(last)) {
                    tables.add(last);
                }
            }
        }
        return tables == null ? List.of() : this.catalog.unread(tables);
    }

    /**
     * Binds a statement's values.
     *
     * @param statement the driver's statement
     * @param sql the statement's binds
     * @throws IllegalArgumentException when a value cannot be converted for its column, naming the entity, field,
     *         column, column type and the value's type
     */
    void bind(Statement statement, Sql sql) {
        List<Bind> binds = sql.binds();
        ColumnTypes types = new ColumnTypes();
        for (int i = 0; i < binds.size(); i++) {
            Bind bind = binds.get(i);
            Object value = bind.value();
            Property column = bind.column();
            if (bind.converted()) {
                if (value == null) {
                    statement.bindNull(i, bind.nullType());
                }
                else {
                    statement.bind(i, value);
                }
            }
            else if (column != null) {
                SqlType type = types.of(column);
                if (value == null) {
                    statement.bindNull(i, this.dialect.nullBindType(type, column.columnType()));
                }
                else if (value instanceof ColumnValues values) {
                    statement.bind(i, toArray(values, column, type));
                }
                else {
                    statement.bind(i, toColumn(value, column, type));
                }
            }
            else if (value == null) {
                statement.bindNull(i, this.dialect.nullBindType(bind.nullType()));
            }
            else {
                statement.bind(i, this.dialect.toDatabase(value, this.zone));
            }
        }
    }

    /**
     * The types of the columns one statement binds, looked up in the catalog once per column rather than once per
     * value: a 1,000-row insert binds each of its columns 1,000 times, and the catalog's lookup per value was 1-2% of a
     * 10,000-user {@code saveAll} on H2 (issue 12).
     */
    private final class ColumnTypes {

        private final Property[] columns = new Property[16];

        private final SqlType[] types = new SqlType[16];

        private int size;

        SqlType of(Property column) {
            for (int k = 0; k < this.size; k++) {
                if (this.columns[k] == column) {
                    return this.types[k];
                }
            }
            SqlType type = Binder.this.catalog.columnType(column);
            if (this.size < this.columns.length) {
                this.columns[this.size] = column;
                this.types[this.size++] = type;
            }
            return type;
        }
    }

    /**
     * One column's values as an array of the class the dialect binds the column's type as, each element converted
     * (and checked) as a single value would be, so a value that does not fit fails here, before the statement is
     * sent, with the same message.
     */
    private Object[] toArray(ColumnValues values, Property column, SqlType type) {
        Class<?> component = this.dialect.bindClass(type);
        if (component == null) {
            throw new IllegalStateException("No array class for " + column + " (column " + column.owner().table() + "."
                    + column.column() + ", " + type.name() + ")");
        }
        List<@Nullable Object> list = values.values();
        Object[] array = (Object[]) Array.newInstance(component, list.size());
        for (int k = 0; k < array.length; k++) {
            Object value = list.get(k);
            if (value != null) {
                array[k] = component.cast(toColumn(value, column, type));
            }
        }
        return array;
    }

    private Object toColumn(Object value, Property column, SqlType type) {
        try {
            return this.dialect.toDatabase(value, type, this.zone);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("Cannot write " + column + " (column " + column.owner().table() + "."
                    + column.column() + ", " + type.name() + "): " + ex.getMessage(), ex);
        }
    }
}
