package io.relata.preload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * A batch-loading operator that attaches related values to a stream of owners, in the spirit of GORM's
 * {@code Preload}: for every batch of owners it fetches the values of their keys with one call to a fetcher
 * (typically one {@code IN} query), attaches them with a setter and emits the owners in their original order.
 *
 * <p>The operator is a {@code Function<Flux<O>, Flux<O>>}, so it can be used as {@code owners.transform(preload)}
 * or {@code preload.apply(owners)}. It is immutable, thread-safe and cold: nothing happens until the returned
 * {@link Flux} is subscribed, and one instance can be applied to any number of streams.
 *
 * <p>For each subscription:
 * <ul>
 * <li>owners are buffered into batches of {@link Builder#batchSize(int) batchSize} (the last one may be smaller);
 * <li>the keys of a batch are taken with {@link Builder#ownerKey ownerKey}; {@code null} keys are skipped and the
 * others de-duplicated by {@code equals}/{@code hashCode}, in first-seen order;
 * <li>the {@link Builder#fetcher fetcher} is called once per batch with that non-empty key list; a batch whose keys
 * are all {@code null} is not fetched at all;
 * <li>fetched values are matched to owners by {@link Builder#valueKey valueKey}; values whose key no owner of the
 * batch has are ignored;
 * <li>to-one: values sharing a key are combined with {@link Builder#merge merge}, and the
 * {@link Builder#setter setter} is called once for every owner instance of the batch, with its value or
 * {@code null} when nothing matched; to-many: the {@link Builder#listSetter listSetter} is called instead, with
 * every value of the owner's key in the order the fetcher emitted them, or an empty list;
 * <li>then the {@link Builder#onBatch batch hook}, if any, runs on the batch's owners (to load what hangs off the
 * attached values, for instance), and only when it completes are the owners emitted;
 * <li>at most {@link Builder#concurrency(int) concurrency} batches are in flight, and owners are emitted in the
 * order the upstream produced them, whatever order the fetches complete in.
 * </ul>
 *
 * <p>Memory is bounded: a downstream that requests one owner causes at most about
 * {@code (concurrency + 2) * batchSize} owners to be requested from the upstream (with
 * {@link Builder#maxBatchSize(int) growing batches}, {@code maxBatchSize} instead of {@code batchSize}), and a batch (its owners, keys and
 * values) is no longer referenced once its last owner is emitted. With {@link Builder#maxValuesPerBatch(int)}, memory
 * is bounded by fetched values too, whatever the number of values per owner: batches are cut to about that many values
 * by the values per owner seen so far, and a batch whose fetch passes the cap is cancelled and fetched again as two
 * halves, one after the other.
 *
 * <p>Owners are expected to be mutable holders, so the same instance may appear more than once in the stream;
 * every occurrence is emitted with the value attached.
 *
 * @param <O> the owner type
 * @param <K> the key type shared by owners and values, compared with {@code equals}/{@code hashCode}
 * @param <V> the fetched value type
 */
public final class BatchPreload<O, K, V> implements Function<Flux<O>, Flux<O>> {

    /**
     * The number of owners per batch when {@link Builder#batchSize(int)} is not set: {@value}. This is a
     * provisional value; the benchmarks module will tune it against H2 and PostgreSQL.
     */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    /**
     * The number of fetched values a batch may hold when {@link Builder#maxValuesPerBatch(int)} is not set:
     * {@value}, that is no cap (a to-one association fetches at most one value per owner anyway).
     */
    public static final int DEFAULT_MAX_VALUES_PER_BATCH = Integer.MAX_VALUE;

    /**
     * The number of batches fetched at the same time when {@link Builder#concurrency(int)} is not set: {@value}, so
     * the next batch is fetched while the previous one is being consumed. A provisional value, to be tuned by the
     * benchmarks.
     */
    public static final int DEFAULT_CONCURRENCY = 2;

    private final BatchLoader<O, K, V> loader;

    private final int batchSize;

    private final int maxBatchSize;

    private final int concurrency;

    private final int maxValues;

    private final @Nullable SizingHint hint;

    private BatchPreload(Builder<O, K, V> builder) {
        Attachment<O, V> attachment;
        if (builder.listSetter != null) {
            if (builder.setter != null) {
                throw new IllegalStateException("setter and listSetter are both set; a preload attaches either one "
                        + "value or a list of values per owner");
            }
            attachment = Attachment.list(builder.listSetter);
        }
        else {
            attachment = Attachment.single(Objects.requireNonNull(builder.setter, "setter must not be null"),
                    builder.merge);
        }
        this.loader = new BatchLoader<>(
                Objects.requireNonNull(builder.ownerKey, "ownerKey must not be null"),
                Objects.requireNonNull(builder.fetcher, "fetcher must not be null"),
                Objects.requireNonNull(builder.valueKey, "valueKey must not be null"),
                attachment, builder.onBatch, builder.maxValues);
        this.batchSize = builder.batchSize;
        this.maxBatchSize = builder.batchSize * Math.max(1, builder.maxBatchSize / builder.batchSize);
        this.concurrency = builder.concurrency;
        this.maxValues = builder.maxValues;
        this.hint = builder.hint;
    }

    /**
     * Starts the configuration of a preload. {@code ownerKey}, {@code fetcher}, {@code valueKey} and {@code setter}
     * are required.
     *
     * @param <O> the owner type
     * @param <K> the key type
     * @param <V> the fetched value type
     * @return a new builder with the default batch size, concurrency and merge policy
     */
    public static <O, K, V> Builder<O, K, V> builder() {
        return new Builder<>();
    }

    /**
     * Attaches values to the owners of a stream.
     *
     * <p>The returned {@link Flux} emits every owner of {@code owners}, in the same order and as often as it occurs,
     * each after the setter has been called for it. It completes when {@code owners} completes and every batch has
     * been emitted; it completes empty, without calling the fetcher, when {@code owners} is empty. It signals
     * {@code onError} with the first error among: an error of {@code owners}; an exception thrown by the fetcher or
     * an error signalled by the publisher it returns; a {@link NullPointerException} when the fetcher returns
     * {@code null} or the merge function returns {@code null}; an exception thrown by the owner key function, the
     * value key function, the merge function, the setter, the list setter or the batch hook, or an error signalled by
     * the batch hook's publisher ({@link NullPointerException} when it returns {@code null}). After an error or a
     * downstream cancellation the upstream and every fetch in flight are cancelled. Owners of batches not yet emitted may already have been given
     * their values when an error occurs.
     *
     * <p>Backpressure is honoured: at most {@code concurrency} batches are requested from {@code owners} ahead of
     * the downstream's demand.
     *
     * @param owners the owners to attach values to
     * @return a cold {@link Flux} of the same owners, in the same order, with values attached
     * @throws NullPointerException if {@code owners} is {@code null}
     */
    @Override
    public Flux<O> apply(Flux<O> owners) {
        Objects.requireNonNull(owners, "owners must not be null");
        // buffer(batchSize) requests batchSize owners upstream for each batch requested by flatMapSequential, which
        // requests `concurrency` batches up front and one more only once a whole batch has been emitted downstream;
        // so upstream demand is bounded by concurrency * batchSize plus what the downstream has asked for.
        // flatMapSequential subscribes to up to `concurrency` batch loads at once but, as its javadoc promises,
        // merges their results "in an order that matches their source order", queueing a batch that finishes
        // early until the batches before it are emitted. Cancelling it cancels the upstream and every inner
        // batch, hence every fetch in flight.
        if (this.maxValues == DEFAULT_MAX_VALUES_PER_BATCH) {
            BatchSizer fixed = new BatchSizer(this.maxBatchSize, this.maxValues, null);
            return batches(owners).flatMapSequential(batch -> this.loader.load(batch, fixed), this.concurrency);
        }
        // Per subscription: the values-per-owner estimate belongs to one stream. Each buffer is cut into batches of
        // the current estimate; prefetch 1 keeps at most one buffer waiting behind the one being cut, so upstream
        // demand stays bounded as above.
        return Flux.defer(() -> {
            BatchSizer sizer = new BatchSizer(this.maxBatchSize, this.maxValues, this.hint);
            return batches(owners)
                    .concatMapIterable(sizer::split, 1)
                    .flatMapSequential(batch -> this.loader.load(batch, sizer), this.concurrency);
        });
    }

    /**
     * The owners in batches: all of {@code batchSize} without growth; with it, the first of {@code batchSize}, each
     * next one twice the previous, up to {@code maxBatchSize}. Growing batches are made of consecutive chunks of
     * {@code batchSize} owners, so the upstream is requested a chunk at a time (a request per owner, which
     * {@code bufferUntil} on the owners themselves would make, costs more than the statements growth saves).
     */
    private Flux<List<O>> batches(Flux<O> owners) {
        if (this.maxBatchSize == this.batchSize) {
            return owners.buffer(this.batchSize);
        }
        return Flux.defer(() -> {
            Growth growth = new Growth(this.maxBatchSize / this.batchSize);
            return owners.buffer(this.batchSize).bufferUntil(growth::closes).map(BatchPreload::concat);
        });
    }

    private static <O> List<O> concat(List<List<O>> chunks) {
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        int size = 0;
        for (List<O> chunk : chunks) {
            size += chunk.size();
        }
        List<O> out = new ArrayList<>(size);
        for (List<O> chunk : chunks) {
            out.addAll(chunk);
        }
        return out;
    }

    /** How many chunks the current batch takes: 1, 2, 4, ... up to a limit; one per subscription. */
    private static final class Growth {

        private final int maxChunks;

        private int chunks = 1;

        private int taken;

        Growth(int maxChunks) {
            this.maxChunks = Math.max(1, maxChunks);
        }

        boolean closes(List<?> chunk) {
            if (++this.taken < this.chunks) {
                return false;
            }
            this.taken = 0;
            this.chunks = Math.min(this.maxChunks, this.chunks * 2);
            return true;
        }
    }

    /**
     * What the streams of one association have seen so far: values per owner, so a new stream's first batch is sized
     * like the last ones were instead of overflowing {@link Builder#maxValuesPerBatch(int)} and being fetched again.
     * Thread-safe; share one instance among the preloads of one association (a preload builds from the same
     * relationship every time a query runs). A hint is only a starting point: each stream corrects it with every
     * fetch.
     */
    public static final class SizingHint {

        private volatile double valuesPerOwner;

        /** Creates a hint that knows nothing yet: the first stream starts with full batches. */
        public SizingHint() {
        }

        /** @return the values per owner seen last, 0 when nothing was seen yet */
        public double valuesPerOwner() {
            return this.valuesPerOwner;
        }

        void record(double valuesPerOwner) {
            this.valuesPerOwner = valuesPerOwner;
        }
    }

    /**
     * Builds a {@link BatchPreload}. Each setter validates its argument immediately; {@link #build()} checks that the
     * required parts are present. A builder is not thread-safe; the preloads it builds are.
     *
     * @param <O> the owner type
     * @param <K> the key type
     * @param <V> the fetched value type
     */
    public static final class Builder<O, K, V> {

        private @Nullable Function<? super O, ? extends @Nullable K> ownerKey;

        private @Nullable Function<? super List<K>, ? extends Publisher<? extends V>> fetcher;

        private @Nullable Function<? super V, ? extends @Nullable K> valueKey;

        private @Nullable BiConsumer<? super O, ? super @Nullable V> setter;

        private BinaryOperator<V> merge = (first, last) -> last;

        private @Nullable BiConsumer<? super O, ? super List<V>> listSetter;

        private @Nullable Function<? super List<O>, ? extends Publisher<?>> onBatch;

        private int maxValues = DEFAULT_MAX_VALUES_PER_BATCH;

        private @Nullable SizingHint hint;

        private int batchSize = DEFAULT_BATCH_SIZE;

        private int maxBatchSize;

        private int concurrency = DEFAULT_CONCURRENCY;

        private Builder() {
        }

        /**
         * Sets how an owner's key is taken, such as {@code User::getId} for a has-one or {@code User::getCompanyId}
         * for a belongs-to. Required. The function may return {@code null}: that owner is given {@code null} by the
         * setter and its key is not fetched. It is called once per owner occurrence, when the owner's batch is
         * complete and before the batch is fetched.
         *
         * @param ownerKey the owner key function
         * @return this builder
         * @throws NullPointerException if {@code ownerKey} is {@code null}
         */
        public Builder<O, K, V> ownerKey(Function<? super O, ? extends @Nullable K> ownerKey) {
            this.ownerKey = Objects.requireNonNull(ownerKey, "ownerKey must not be null");
            return this;
        }

        /**
         * Sets how the values of one batch are fetched, such as one {@code SELECT ... WHERE user_id IN (...)}.
         * Required. The function is called once per batch, when the batch is subscribed, with the batch's distinct
         * non-{@code null} keys in first-seen order, as an unmodifiable list that is never empty. It must return a
         * publisher (not {@code null}) that may emit values in any order, including values of other keys, which are
         * ignored. The publisher is cancelled when the preload is cancelled or fails.
         *
         * @param fetcher the batch fetch function
         * @return this builder
         * @throws NullPointerException if {@code fetcher} is {@code null}
         */
        public Builder<O, K, V> fetcher(Function<? super List<K>, ? extends Publisher<? extends V>> fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher must not be null");
            return this;
        }

        /**
         * Sets how a fetched value's key is taken, such as {@code CreditCard::getUserId}; it is matched against the
         * owner keys with {@code equals}/{@code hashCode}. Required. A value whose key is {@code null} is ignored.
         *
         * @param valueKey the value key function
         * @return this builder
         * @throws NullPointerException if {@code valueKey} is {@code null}
         */
        public Builder<O, K, V> valueKey(Function<? super V, ? extends @Nullable K> valueKey) {
            this.valueKey = Objects.requireNonNull(valueKey, "valueKey must not be null");
            return this;
        }

        /**
         * Sets how a value is attached to its owner, such as {@code User::setCreditCard}. Required, unless
         * {@link #listSetter} makes this a to-many preload. It is called
         * exactly once per owner instance per batch, with the matched value, or with {@code null} when nothing
         * matched so that a stale value is reset. It runs on the thread that completes the batch's fetch.
         *
         * @param setter the attaching function
         * @return this builder
         * @throws NullPointerException if {@code setter} is {@code null}
         */
        public Builder<O, K, V> setter(BiConsumer<? super O, ? super @Nullable V> setter) {
            this.setter = Objects.requireNonNull(setter, "setter must not be null");
            return this;
        }

        /**
         * Sets how two fetched values with the same key are combined: it receives the value kept so far and the
         * value just emitted, and returns the value to keep, which must not be {@code null}. Optional; by default the
         * value emitted last is kept.
         *
         * @param merge the merge function
         * @return this builder
         * @throws NullPointerException if {@code merge} is {@code null}
         */
        public Builder<O, K, V> merge(BinaryOperator<V> merge) {
            this.merge = Objects.requireNonNull(merge, "merge must not be null");
            return this;
        }

        /**
         * Makes this a to-many preload: every value of an owner's key is attached, as a list, such as
         * {@code (user, orders) -> user.orders = new ArrayList<>(orders)}. Use it instead of {@link #setter}; one of
         * the two is required, and {@link #merge} is not used. The list holds the owner's values in the order the
         * fetcher emitted them (the fetcher sorts them, say by primary key), is empty when nothing matched (never
         * {@code null}), and is unmodifiable: owners with the same key get views of the same values, so copy it to keep
         * a mutable one. It is called exactly once per owner instance per batch, before any owner of the batch is
         * emitted.
         *
         * @param listSetter the attaching function
         * @return this builder
         * @throws NullPointerException if {@code listSetter} is {@code null}
         */
        public Builder<O, K, V> listSetter(BiConsumer<? super O, ? super List<V>> listSetter) {
            this.listSetter = Objects.requireNonNull(listSetter, "listSetter must not be null");
            return this;
        }

        /**
         * Sets a hook run once per batch, after the values are attached and before the batch's owners are emitted;
         * the owners are emitted when the returned publisher completes (its elements are ignored), and its error
         * becomes the preload's. Optional. A preload of nested associations uses it to load the next level on the
         * values just attached, batch by batch, after the batch's fetch has completed (so one connection can serve
         * both). The list is the batch's owners in upstream order, unmodifiable.
         *
         * @param onBatch the hook
         * @return this builder
         * @throws NullPointerException if {@code onBatch} is {@code null}
         */
        public Builder<O, K, V> onBatch(Function<? super List<O>, ? extends Publisher<?>> onBatch) {
            this.onBatch = Objects.requireNonNull(onBatch, "onBatch must not be null");
            return this;
        }

        /**
         * Sets about how many fetched values a batch may hold. Optional; defaults to
         * {@link BatchPreload#DEFAULT_MAX_VALUES_PER_BATCH}, no cap. With a cap, batches get fewer owners when owners
         * have many values each (sized by the values per owner seen in earlier fetches of the same stream), and a
         * fetch that passes the cap is cancelled and its batch fetched again as two halves, each emitted before the
         * next is fetched; the values of a single key are never split, so one owner's values are held whatever
         * their number.
         *
         * @param maxValues the values a batch may hold
         * @return this builder
         * @throws IllegalArgumentException if {@code maxValues} is not positive
         */
        public Builder<O, K, V> maxValuesPerBatch(int maxValues) {
            if (maxValues <= 0) {
                throw new IllegalArgumentException("maxValuesPerBatch must be greater than 0, was " + maxValues);
            }
            this.maxValues = maxValues;
            return this;
        }

        /**
         * Sets where a stream's batch sizing starts from and records what it sees, shared with the other preloads of
         * the same association. Optional, and used only with {@link #maxValuesPerBatch(int)}.
         *
         * @param hint the shared hint
         * @return this builder
         * @throws NullPointerException if {@code hint} is {@code null}
         */
        public Builder<O, K, V> sizingHint(SizingHint hint) {
            this.hint = Objects.requireNonNull(hint, "hint must not be null");
            return this;
        }

        /**
         * Sets the maximum number of owners per batch, hence per fetcher call. Optional; defaults to
         * {@link BatchPreload#DEFAULT_BATCH_SIZE}. Together with {@link #concurrency(int)} it bounds how many owners
         * are held in memory.
         *
         * @param size the batch size
         * @return this builder
         * @throws IllegalArgumentException if {@code size} is not positive
         */
        public Builder<O, K, V> batchSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("batchSize must be greater than 0, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Lets batches grow as a stream proves long: the first batch has {@link #batchSize(int) batchSize} owners, so
         * the first owners come as early as without growth, and each next batch twice as many as the one before, up
         * to {@code maxSize} owners (rounded down to a multiple of the batch size). Optional; without it, or with a
         * {@code maxSize} not above the batch size, every batch has {@code batchSize} owners. Worth it where one
         * fetch costs much the same whatever its number of keys, such as one array-bound statement on PostgreSQL:
         * fewer, larger fetches then cost less. Memory is then bounded by about
         * {@code (concurrency + 2) * maxSize} owners.
         *
         * @param maxSize the greatest number of owners of one batch
         * @return this builder
         * @throws IllegalArgumentException if {@code maxSize} is not positive
         */
        public Builder<O, K, V> maxBatchSize(int maxSize) {
            if (maxSize <= 0) {
                throw new IllegalArgumentException("maxBatchSize must be greater than 0, was " + maxSize);
            }
            this.maxBatchSize = maxSize;
            return this;
        }

        /**
         * Sets the maximum number of batches in flight: fetched, or fetched and waiting to be emitted. Optional;
         * defaults to {@link BatchPreload#DEFAULT_CONCURRENCY}. {@code 1} fetches the next batch only once the
         * previous one has been emitted.
         *
         * @param batchesInFlight the number of batches in flight
         * @return this builder
         * @throws IllegalArgumentException if {@code batchesInFlight} is not positive
         */
        public Builder<O, K, V> concurrency(int batchesInFlight) {
            if (batchesInFlight <= 0) {
                throw new IllegalArgumentException("concurrency must be greater than 0, was " + batchesInFlight);
            }
            this.concurrency = batchesInFlight;
            return this;
        }

        /**
         * Builds the preload. The builder can be changed and used again afterwards without affecting it.
         *
         * @return a new, immutable preload
         * @throws NullPointerException if {@code ownerKey}, {@code fetcher}, {@code valueKey} or {@code setter} (when no
         * {@code listSetter} was set) was not set, with the message {@code "<name> must not be null"}
         * @throws IllegalStateException if both {@code setter} and {@code listSetter} were set
         */
        public BatchPreload<O, K, V> build() {
            return new BatchPreload<>(this);
        }
    }
}
