package io.relata.internal.load;

import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Fragment;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code joins(...)} call: a resolved path, a condition for the last level's {@code ON} clause, and the join
 * type.
 *
 * @param path the relationships from the root entity to the joined one
 * @param condition a condition added to the {@code ON} clause of the last level, or {@code null}
 * @param inner whether it is an {@code INNER JOIN}
 */
public record JoinSpec(List<Relationship> path, @Nullable Fragment condition, boolean inner) {
}
