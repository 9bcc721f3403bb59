package io.relata.preload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How the values of one key are combined and handed to an owner: one value (merged with a {@link BinaryOperator},
 * {@code null} when none matched) or every value in a list (empty when none matched). The accumulated object is
 * private to one batch.
 *
 * @param <O> the owner type
 * @param <V> the value type
 */
abstract class Attachment<O, V> {

    /** Combines the accumulation so far ({@code null} for the first value of a key) with the next value. */
    abstract Object accumulate(@Nullable Object accumulated, V value);

    /** Hands an owner its accumulation, {@code null} when no value matched. */
    abstract void set(O owner, @Nullable Object accumulated);

    static <O, V> Attachment<O, V> single(BiConsumer<? super O, ? super @Nullable V> setter, BinaryOperator<V> merge) {
        return new Attachment<>() {
            @Override
            @SuppressWarnings("unchecked")
            Object accumulate(@Nullable Object accumulated, V value) {
                return accumulated == null ? value
                        : Objects.requireNonNull(merge.apply((V) accumulated, value), "merge must not return null");
            }

            @Override
            @SuppressWarnings("unchecked")
            void set(O owner, @Nullable Object accumulated) {
                setter.accept(owner, (V) accumulated);
            }
        };
    }

    static <O, V> Attachment<O, V> list(BiConsumer<? super O, ? super List<V>> setter) {
        return new Attachment<>() {
            @Override
            @SuppressWarnings("unchecked")
            Object accumulate(@Nullable Object accumulated, V value) {
                List<V> list = accumulated == null ? new ArrayList<>(4) : (List<V>) accumulated;
                list.add(value);
                return list;
            }

            @Override
            @SuppressWarnings("unchecked")
            void set(O owner, @Nullable Object accumulated) {
                // Unmodifiable: owners sharing a key see one list, so none may change what the others see.
                setter.accept(owner, accumulated == null ? List.of()
                        : Collections.unmodifiableList((List<V>) accumulated));
            }
        };
    }
}
