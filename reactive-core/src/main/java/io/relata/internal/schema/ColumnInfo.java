package io.relata.internal.schema;

import io.relata.dialect.SqlType;

/**
 * One column as the catalog declares it.
 *
 * @param name the name as stored
 * @param type the declared type
 * @param nullable whether it accepts {@code NULL}
 */
public record ColumnInfo(String name, SqlType type, boolean nullable) {
}
