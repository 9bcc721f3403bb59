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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads one batch of owners: computes their keys, fetches the values of the distinct keys, attaches them, runs the
 * batch hook and emits the batch. Stateless between batches, so one instance serves every subscription of a
 * {@link BatchPreload}; the per-subscription {@link BatchSizer} is passed in.
 */
final class BatchLoader<O, K, V> {

    private final Function<? super O, ? extends @Nullable K> ownerKey;

    private final Function<? super List<K>, ? extends Publisher<? extends V>> fetcher;

    private final Function<? super V, ? extends @Nullable K> valueKey;

    private final Attachment<O, V> attachment;

    private final @Nullable Function<? super List<O>, ? extends Publisher<?>> onBatch;

    private final long maxValues;

    BatchLoader(Function<? super O, ? extends @Nullable K> ownerKey,
            Function<? super List<K>, ? extends Publisher<? extends V>> fetcher,
            Function<? super V, ? extends @Nullable K> valueKey, Attachment<O, V> attachment,
            @Nullable Function<? super List<O>, ? extends Publisher<?>> onBatch, long maxValues) {
        this.ownerKey = ownerKey;
        this.fetcher = fetcher;
        this.valueKey = valueKey;
        this.attachment = attachment;
        this.onBatch = onBatch;
        this.maxValues = maxValues;
    }

    /**
     * Emits the owners of one batch, in order, once their values are attached. A batch whose fetch brings more than
     * {@code maxValues} values is fetched again as two halves, one after the other, each emitted before the next is
     * fetched, so a batch never holds much more than {@code maxValues} values whatever the owners' fan-out (only a
     * single key's values cannot be split).
     */
    Flux<O> load(List<O> owners, BatchSizer sizer) {
        // Flux.defer turns an exception thrown by ownerKey or by the fetcher itself into this batch's onError,
        // which flatMapSequential then forwards downstream while cancelling the upstream and the other batches
        // (STYLE.md 14: synchronous per-element failures become signals).
        return Flux.defer(() -> {
            List<@Nullable K> ownerKeys = new ArrayList<>(owners.size());
            // LinkedHashSet: de-duplicates by equals/hashCode and keeps first-seen order, so the fetcher sees a
            // deterministic key list (stable SQL text and binds for the same owners).
            Set<K> keys = new LinkedHashSet<>(capacity(owners.size()));
            for (O owner : owners) {
                K key = this.ownerKey.apply(owner);
                ownerKeys.add(key);
                if (key != null) {
                    keys.add(key);
                }
            }
            return fetch(keys).flatMapMany(fetched -> {
                if (fetched.overflow) {
                    int half = owners.size() / 2;
                    List<O> first = owners.subList(0, half);
                    List<O> second = owners.subList(half, owners.size());
                    // concat subscribes to the second half only once the first is emitted: one half's values in
                    // memory at a time.
                    return Flux.concat(load(first, sizer), load(second, sizer));
                }
                sizer.record(owners.size(), fetched.count);
                attach(owners, ownerKeys, fetched.values);
                return this.onBatch == null ? Flux.fromIterable(owners)
                        : Flux.from(Objects.requireNonNull(this.onBatch.apply(owners), "onBatch must not return null"))
                                .thenMany(Flux.fromIterable(owners));
            });
        });
    }

    private Mono<Fetched> fetch(Set<K> keys) {
        if (keys.isEmpty()) {
            // Every owner has a null key: nothing to look up, and the contract promises the fetcher a non-empty list.
            return Mono.just(new Fetched(keys, false, 0L));
        }
        Publisher<? extends V> values = Objects.requireNonNull(this.fetcher.apply(List.copyOf(keys)),
                "fetcher must not return null");
        // A batch of one key cannot be split, so its values are all kept whatever their number.
        boolean splittable = keys.size() > 1;
        Fetched fetched = new Fetched(keys, false, 0L);
        // takeWhile cancels the fetch as soon as the cap is passed (and if valueKey or the attachment throws), and
        // the whole batch is cancelled with the downstream, so a cancelled preload never leaves a query running.
        return Flux.<V>from(values)
                .takeWhile(value -> fetched.add(value, splittable))
                .then(Mono.fromSupplier(() -> fetched));
    }

    /**
     * A hash table's initial capacity for {@code n} entries, so that a batch's keys and values never rehash: growing
     * them one doubling at a time was 4% of the CPU of a 1,000,000-owner stream (JFR, StreamingBenchmark).
     */
    static int capacity(int n) {
        return (int) Math.min(1 << 30, (long) n * 4 / 3 + 1);
    }

    private void attach(List<O> owners, List<@Nullable K> ownerKeys, Map<K, Object> values) {
        // The same owner instance may occur twice in one batch; an identity set calls the setter once per
        // instance, since equals() of an entity may be value-based and two distinct equal owners both need it.
        Set<O> attached = Collections.newSetFromMap(new IdentityHashMap<>(owners.size()));
        for (int i = 0; i < owners.size(); i++) {
            O owner = owners.get(i);
            if (attached.add(owner)) {
                K key = ownerKeys.get(i);
                // nothing matched: null or an empty list, so a value left from an earlier load is reset
                this.attachment.set(owner, key == null ? null : values.get(key));
            }
        }
    }

    /** What one fetch brought: the combined value per key, how many values, and whether it passed the cap. */
    private final class Fetched {

        final Set<K> keys;

        final Map<K, Object> values;

        boolean overflow;

        long count;

        Fetched(Set<K> keys, boolean overflow, long count) {
            this.keys = keys;
            this.values = new HashMap<>(capacity(keys.size()));
            this.overflow = overflow;
            this.count = count;
        }

        /** Adds a value; {@code false} (stop fetching) once the batch passed the cap and can be split. */
        boolean add(V value, boolean splittable) {
            K key = BatchLoader.this.valueKey.apply(value);
            // Only values some owner of this batch asked for are kept (and counted): a fetcher that returns extra
            // rows must not grow the batch's memory, and such rows could never be attached anyway.
            if (key == null || !this.keys.contains(key)) {
                return true;
            }
            this.count++;
            if (splittable && this.count > BatchLoader.this.maxValues) {
                this.overflow = true;
                this.values.clear();
                return false;
            }
            this.values.put(key, BatchLoader.this.attachment.accumulate(this.values.get(key), value));
            return true;
        }
    }
}
