package io.relata.internal.schema;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One index as the catalog declares it (primary keys and the indexes a database made for its constraints included).
 *
 * @param name the index name
 * @param columns the key columns in order; {@code null} for an expression
 * @param unique whether it is unique
 */
public record IndexInfo(String name, List<@Nullable String> columns, boolean unique) {

    /**
     * Copies the columns.
     *
     * @param name the index name
     * @param columns the key columns
     * @param unique whether it is unique
     */
    public IndexInfo {
        columns = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
    }
}
