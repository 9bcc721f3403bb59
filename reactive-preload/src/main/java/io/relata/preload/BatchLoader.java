package io.relata.preload;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
            // One slot per distinct key, in first-seen order (a LinkedHashMap), so the fetcher sees a deterministic
            // key list (stable SQL text and binds for the same owners); each owner remembers its key's slot, so a
            // fetched value costs one lookup and attaching costs none (issue 12: the set of keys, the map of values
            // and the identity set of attached owners were five hash operations per owner, 7% of the client CPU of
            // a 1,000,000-owner stream in JFR).
            Map<K, Slot> slots = new LinkedHashMap<>(capacity(owners.size()));
            Slot[] ownerSlots = new Slot[owners.size()];
            Slot none = new Slot();
            for (int i = 0; i < ownerSlots.length; i++) {
                K key = this.ownerKey.apply(owners.get(i));
                ownerSlots[i] = key == null ? none : slots.computeIfAbsent(key, BatchLoader::newSlot);
            }
            return fetch(slots).flatMapMany(fetched -> {
                if (fetched.overflow) {
                    int half = owners.size() / 2;
                    List<O> first = owners.subList(0, half);
                    List<O> second = owners.subList(half, owners.size());
                    // concat subscribes to the second half only once the first is emitted: one half's values in
                    // memory at a time.
                    return Flux.concat(load(first, sizer), load(second, sizer));
                }
                sizer.record(owners.size(), fetched.count);
                attach(owners, ownerSlots);
                return this.onBatch == null ? Flux.fromIterable(owners)
                        : Flux.from(Objects.requireNonNull(this.onBatch.apply(owners), "onBatch must not return null"))
                                .thenMany(Flux.fromIterable(owners));
            });
        });
    }

    private static Slot newSlot(Object key) {
        return new Slot();
    }

    private Mono<Fetched> fetch(Map<K, Slot> slots) {
        if (slots.isEmpty()) {
            // Every owner has a null key: nothing to look up, and the contract promises the fetcher a non-empty list.
            return Mono.just(new Fetched(slots));
        }
        Publisher<? extends V> values = Objects.requireNonNull(this.fetcher.apply(List.copyOf(slots.keySet())),
                "fetcher must not return null");
        // A batch of one key cannot be split, so its values are all kept whatever their number.
        boolean splittable = slots.size() > 1;
        Fetched fetched = new Fetched(slots);
        // takeWhile cancels the fetch as soon as the cap is passed (and if valueKey or the attachment throws), and
        // the whole batch is cancelled with the downstream, so a cancelled preload never leaves a query running.
        // count(), not then(): then() hands every value it ignores to the discard hook, looking the hook up in the
        // subscriber's context, which walks the whole chain of operators downstream per value (5% of the client's
        // samples of a 10,000-owner PostgreSQL preload, JFR); the values are kept in the slots, not discarded.
        return Flux.<V>from(values)
                .takeWhile(value -> fetched.add(value, splittable))
                .count()
                .map(count -> fetched);
    }

    /**
     * A hash table's initial capacity for {@code n} entries, so that a batch's keys never rehash: growing them one
     * doubling at a time was 4% of the CPU of a 1,000,000-owner stream (JFR, StreamingBenchmark).
     */
    static int capacity(int n) {
        return (int) Math.min(1 << 30, (long) n * 4 / 3 + 1);
    }

    private void attach(List<O> owners, Slot[] ownerSlots) {
        for (int i = 0; i < ownerSlots.length; i++) {
            O owner = owners.get(i);
            Slot slot = ownerSlots[i];
            if (slot.claim(owner)) {
                // nothing matched: null or an empty list, so a value left from an earlier load is reset
                this.attachment.set(owner, slot.accumulated);
            }
        }
    }

    /**
     * The values fetched for one key of a batch (combined by the attachment), and the owner instances already given
     * them. The same owner instance may occur twice in one batch, and the setter is called once per instance (an
     * entity's {@code equals} may be value-based, and two distinct equal owners both need their value); only owners
     * sharing a key can be the same instance, so a key's first owner is remembered by reference and an identity set
     * is made only once a second, distinct owner shares the key (a belongs-to's shared parent).
     */
    private static final class Slot {

        @Nullable Object accumulated;

        private @Nullable Object owner;

        private @Nullable Set<Object> owners;

        /** @return whether {@code candidate} was not given this slot's values yet (and now counts as given) */
        boolean claim(Object candidate) {
            Object first = this.owner;
            if (first == null) {
                this.owner = candidate;
                return true;
            }
            if (first == candidate) {
                return false;
            }
            Set<Object> all = this.owners;
            if (all == null) {
                all = Collections.newSetFromMap(new IdentityHashMap<>());
                all.add(first);
                this.owners = all;
            }
            return all.add(candidate);
        }
    }

    /** What one fetch brought: the combined values in the slots of their keys, how many, whether it passed the cap. */
    private final class Fetched {

        final Map<K, Slot> slots;

        boolean overflow;

        long count;

        Fetched(Map<K, Slot> slots) {
            this.slots = slots;
        }

        /** Adds a value; {@code false} (stop fetching) once the batch passed the cap and can be split. */
        boolean add(V value, boolean splittable) {
            K key = BatchLoader.this.valueKey.apply(value);
            // Only values some owner of this batch asked for are kept (and counted): a fetcher that returns extra
            // rows must not grow the batch's memory, and such rows could never be attached anyway.
            Slot slot = key == null ? null : this.slots.get(key);
            if (slot == null) {
                return true;
            }
            this.count++;
            if (splittable && this.count > BatchLoader.this.maxValues) {
                this.overflow = true;
                // The batch is fetched again as two halves: what this fetch held is let go before they run.
                for (Slot s : this.slots.values()) {
                    s.accumulated = null;
                }
                return false;
            }
            slot.accumulated = BatchLoader.this.attachment.accumulate(slot.accumulated, value);
            return true;
        }
    }
}
