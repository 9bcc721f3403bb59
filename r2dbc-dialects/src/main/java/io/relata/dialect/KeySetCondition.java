package io.relata.dialect;

import java.util.List;

/**
 * One rendered key-set condition: SQL text with {@code ?} markers and the values to bind, in order.
 *
 * @param sql the condition text, such as {@code "t"."id" IN (?, ?)}
 * @param binds the values to bind, one per marker
 */
public record KeySetCondition(String sql, List<Object> binds) {

    /**
     * Creates a condition, copying the binds.
     *
     * @param sql the condition text
     * @param binds the values to bind
     */
    public KeySetCondition {
        binds = List.copyOf(binds);
    }
}
