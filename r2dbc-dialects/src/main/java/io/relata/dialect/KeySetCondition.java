package io.relata.dialect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One rendered condition (a preload's key set, or a list in a user's condition): SQL text with {@code ?} markers and
 * the values to bind, in order.
 *
 * @param sql the condition text, such as {@code "t"."id" IN (?, ?)}
 * @param binds the values to bind, one per marker; a {@code null} binds {@code NULL}
 */
public record KeySetCondition(String sql, List<@Nullable Object> binds) {

    /**
     * Creates a condition, copying the binds.
     *
     * @param sql the condition text
     * @param binds the values to bind
     */
    public KeySetCondition {
        Objects.requireNonNull(sql, "sql must not be null");
        binds = Collections.unmodifiableList(new ArrayList<>(binds));
    }
}
