package io.relata.internal.schema;

import java.util.List;

/**
 * One foreign-key constraint as the catalog declares it.
 *
 * @param name the constraint name
 * @param columns the constrained columns, in order
 * @param referencedTable the referenced table
 * @param referencedColumns the referenced columns, in the same order
 */
public record ForeignKeyInfo(String name, List<String> columns, String referencedTable,
        List<String> referencedColumns) {

    /**
     * Copies the column lists.
     *
     * @param name the constraint name
     * @param columns the constrained columns
     * @param referencedTable the referenced table
     * @param referencedColumns the referenced columns
     */
    public ForeignKeyInfo {
        columns = List.copyOf(columns);
        referencedColumns = List.copyOf(referencedColumns);
    }
}
