package io.relata.internal.sql;

import io.relata.internal.meta.Property;
import org.jspecify.annotations.Nullable;

/**
 * One bound value. Most are Java values converted for the driver only when the statement is sent
 * ({@code io.relata.internal.exec.Binder}), where the time zone and the live schema are known: a value headed to a
 * mapped column is converted for that column's real type, any other by its own class. A few are already the
 * driver's values (a typed key array, catalog query arguments).
 *
 * @param value the value, or {@code null}
 * @param nullType the Java type of the value, used to convert it and to bind {@code NULL}
 * @param column the mapped column the value is headed to, or {@code null}
 * @param converted whether the value already is what the driver binds
 */
public record Bind(@Nullable Object value, Class<?> nullType, @Nullable Property column, boolean converted) {

    /**
     * A value already converted for the driver, bound as it is.
     *
     * @param value the driver's value, or {@code null}
     * @param nullType the class passed to {@code Statement.bindNull} when the value is {@code null}
     */
    public Bind(@Nullable Object value, Class<?> nullType) {
        this(value, nullType, null, true);
    }

    /**
     * A Java value headed to a mapped column, converted for the column's real type when sent.
     *
     * @param value the value (of the field's type, or a key of the column's), or {@code null}
     * @param column the column
     * @return the bind
     */
    public static Bind column(@Nullable Object value, Property column) {
        return new Bind(value, column.columnType(), column, false);
    }

    /**
     * A Java value headed to no known column, converted by its class when sent.
     *
     * @param value the value, or {@code null}
     * @param type its Java type (for {@code NULL})
     * @return the bind
     */
    public static Bind value(@Nullable Object value, Class<?> type) {
        return new Bind(value, type, null, false);
    }
}
