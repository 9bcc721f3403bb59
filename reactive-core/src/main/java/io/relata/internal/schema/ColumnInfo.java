package io.relata.internal.schema;

import io.relata.dialect.SqlType;

/**
 * One column as the catalog declares it.
 *
 * @param name the name as stored
 * @param type the declared type
 * @param nullable whether it accepts {@code NULL}
 * @param hasDefault whether an insert that leaves it out may store anything but {@code NULL} (a default, an identity,
 *        a generated column; {@code true} when the dialect's catalog query does not say)
 */
public record ColumnInfo(String name, SqlType type, boolean nullable, boolean hasDefault) {
}
