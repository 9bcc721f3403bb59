package io.relata.internal.sql;

import java.util.List;

/**
 * An immutable rendered statement: text with the dialect's placeholders, and its binds in order.
 *
 * @param text the SQL text
 * @param binds the values to bind
 */
public record Sql(String text, List<Bind> binds) {

    /**
     * Creates a statement, copying the binds.
     *
     * @param text the SQL text
     * @param binds the values to bind
     */
    public Sql {
        binds = List.copyOf(binds);
    }

    @Override
    public String toString() {
        return this.text;
    }
}
