package io.relata.preload;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sizes the batches of one subscription so a batch holds about {@code maxValues} fetched values: the owners of each
 * upstream buffer are cut into batches of {@code maxValues / (values per owner seen so far)} owners, at most
 * {@code batchSize}. With few values per owner (a to-one association, or a few children each) every batch is a full
 * {@code batchSize}; with many, batches shrink, so memory is bounded by values rather than by owners.
 *
 * <p>A stream starts from its preload's {@link BatchPreload.SizingHint} when it has one (what earlier streams of the
 * same association saw), so a repeated query does not overflow its first batch again. The estimate is updated by
 * every fetch that completes, possibly on another thread than the one cutting the next
 * buffer, hence the volatile field; a stale read only makes one batch a little bigger or smaller.
 */
final class BatchSizer {

    private final int batchSize;

    private final long maxValues;

    private final BatchPreload.@Nullable SizingHint hint;

    /** Values per owner, an exponential moving average of completed fetches; 0 before the first one. */
    private volatile double valuesPerOwner;

    BatchSizer(int batchSize, long maxValues, BatchPreload.@Nullable SizingHint hint) {
        this.batchSize = batchSize;
        this.maxValues = maxValues;
        this.hint = hint;
        this.valuesPerOwner = hint == null ? 0 : hint.valuesPerOwner();
    }

    /** The owners of one batch to fetch now. */
    int size() {
        double perOwner = this.valuesPerOwner;
        if (perOwner <= 0) {
            return this.batchSize;
        }
        return (int) Math.max(1, Math.min(this.batchSize, (long) (this.maxValues / perOwner)));
    }

    /** Cuts an upstream buffer into batches of the current size. */
    <O> List<List<O>> split(List<O> buffer) {
        int size = size();
        if (buffer.size() <= size) {
            return List.of(buffer);
        }
        List<List<O>> out = new ArrayList<>(buffer.size() / size + 1);
        for (int from = 0; from < buffer.size(); from += size) {
            out.add(buffer.subList(from, Math.min(buffer.size(), from + size)));
        }
        return out;
    }

    /** Records what a completed fetch brought. */
    void record(int owners, long values) {
        if (owners == 0) {
            return;
        }
        double observed = (double) values / owners;
        double previous = this.valuesPerOwner;
        // Half the weight on the latest batch: a run of owners with many children shrinks the batches within a
        // couple of fetches, and they grow back as quickly once the fan-out drops.
        double next = previous <= 0 ? observed : (previous + observed) / 2;
        this.valuesPerOwner = next;
        if (this.hint != null) {
            this.hint.record(next);
        }
    }
}
