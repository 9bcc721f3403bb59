package io.relata.internal.repo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Argument checks of association mode, done in the calling thread (STYLE.md 17).
 */
final class Values {

    private Values() {
    }

    /**
     * A copy of the values, checked for {@code null}.
     *
     * @throws NullPointerException when the collection or an element is {@code null}
     */
    static <A> List<A> checked(Collection<? extends A> values) {
        Objects.requireNonNull(values, "values must not be null");
        List<A> out = new ArrayList<>(values.size());
        for (A value : values) {
            out.add(Objects.requireNonNull(value, "values must not contain null"));
        }
        return out;
    }
}
