package io.relata.preload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads one batch of owners: computes their keys, fetches the values of the distinct keys, attaches them and
 * emits the batch. Stateless between batches, so one instance serves every subscription of a {@link BatchPreload}.
 */
final class BatchLoader<O, K, V> {

    private final Function<? super O, ? extends @Nullable K> ownerKey;

    private final Function<? super List<K>, ? extends Publisher<? extends V>> fetcher;

    private final Function<? super V, ? extends @Nullable K> valueKey;

    private final BinaryOperator<V> merge;

    private final BiConsumer<? super O, ? super @Nullable V> setter;

    BatchLoader(Function<? super O, ? extends @Nullable K> ownerKey,
            Function<? super List<K>, ? extends Publisher<? extends V>> fetcher,
            Function<? super V, ? extends @Nullable K> valueKey, BinaryOperator<V> merge,
            BiConsumer<? super O, ? super @Nullable V> setter) {
        this.ownerKey = ownerKey;
        this.fetcher = fetcher;
        this.valueKey = valueKey;
        this.merge = merge;
        this.setter = setter;
    }

    /**
     * Emits the owners of one batch, in order, once their values are attached.
     */
    Flux<O> load(List<O> owners) {
        // Flux.defer turns an exception thrown by ownerKey or by the fetcher itself into this batch's onError,
        // which flatMapSequential then forwards downstream while cancelling the upstream and the other batches
        // (STYLE.md 14: synchronous per-element failures become signals).
        return Flux.defer(() -> {
            List<@Nullable K> ownerKeys = new ArrayList<>(owners.size());
            // LinkedHashSet: de-duplicates by equals/hashCode and keeps first-seen order, so the fetcher sees a
            // deterministic key list (stable SQL text and binds for the same owners).
            Set<K> keys = new LinkedHashSet<>();
            for (O owner : owners) {
                K key = this.ownerKey.apply(owner);
                ownerKeys.add(key);
                if (key != null) {
                    keys.add(key);
                }
            }
            return fetch(keys)
                    .map(values -> attach(owners, ownerKeys, values))
                    .flatMapIterable(Function.identity());
        });
    }

    private Mono<Map<K, V>> fetch(Set<K> keys) {
        if (keys.isEmpty()) {
            // Every owner has a null key: nothing to look up, and the contract promises the fetcher a non-empty list.
            return Mono.just(Collections.emptyMap());
        }
        Publisher<? extends V> values = Objects.requireNonNull(this.fetcher.apply(List.copyOf(keys)),
                "fetcher must not return null");
        // collect() cancels the fetch if valueKey or merge throws, and the whole batch is cancelled with the
        // downstream, so a cancelled preload never leaves a query running.
        return Flux.<V>from(values).collect(HashMap::new, (map, value) -> put(map, keys, value));
    }

    private void put(Map<K, V> map, Set<K> keys, V value) {
        K key = this.valueKey.apply(value);
        // Only values some owner of this batch asked for are kept: a fetcher that returns extra rows must not
        // grow the batch's memory, and such rows could never be attached anyway.
        if (key == null || !keys.contains(key)) {
            return;
        }
        V previous = map.get(key);
        map.put(key, previous == null ? value
                : Objects.requireNonNull(this.merge.apply(previous, value), "merge must not return null"));
    }

    private List<O> attach(List<O> owners, List<@Nullable K> ownerKeys, Map<K, V> values) {
        // The same owner instance may occur twice in one batch; an identity set calls the setter once per
        // instance, since equals() of an entity may be value-based and two distinct equal owners both need it.
        Set<O> attached = Collections.newSetFromMap(new IdentityHashMap<>(owners.size()));
        for (int i = 0; i < owners.size(); i++) {
            O owner = owners.get(i);
            if (attached.add(owner)) {
                K key = ownerKeys.get(i);
                // null when nothing matched, so a value left from an earlier load is reset
                this.setter.accept(owner, key == null ? null : values.get(key));
            }
        }
        return owners;
    }
}
