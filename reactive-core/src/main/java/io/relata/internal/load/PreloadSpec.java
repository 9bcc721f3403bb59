package io.relata.internal.load;

import io.relata.Query;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Fragment;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One {@code preload(...)} call: a resolved path and what customises its last level.
 *
 * @param path the relationships from the root entity to the preloaded one
 * @param condition a condition on the last level, or {@code null}
 * @param customizer a customiser of the last level's query, or {@code null}
 */
public record PreloadSpec(List<Relationship> path, @Nullable Fragment condition,
        @Nullable UnaryOperator<Query<Object>> customizer) {
}
