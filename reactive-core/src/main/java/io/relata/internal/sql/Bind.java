package io.relata.internal.sql;

import org.jspecify.annotations.Nullable;

/**
 * One bound value, already converted for the driver, with the type to use when it is {@code NULL}.
 *
 * @param value the value, or {@code null}
 * @param nullType the class passed to {@code Statement.bindNull} when the value is {@code null}
 */
public record Bind(@Nullable Object value, Class<?> nullType) {
}
