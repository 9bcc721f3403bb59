package io.relata.internal.sql;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The values of one column across many rows, bound as one array ({@link Statements#insertArrays}). Each element is
 * converted for the column's real type when the statement is sent, exactly as a single value headed to the column
 * would be, and the array is typed by the class the dialect binds that column type as.
 *
 * @param values the Java values, one per row, {@code null} elements allowed
 */
public record ColumnValues(List<@Nullable Object> values) {
}
