package io.relata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How far preload batches grow by default, by the heap they must fit in. */
class PreloadGrowthDefaultsUnitTests {

    private static final long MIB = 1024 * 1024;

    @Test
    void aLargeHeapGrowsBatchesToTheDefaultMaximum() {
        assertThat(Relata.defaultMaxBatchSize(1_000, 512 * MIB)).isEqualTo(Relata.DEFAULT_PRELOAD_MAX_BATCH_SIZE);
        assertThat(Relata.defaultMaxBatchSize(1_000, 24L * 1024 * MIB)).isEqualTo(16_000);
    }

    @Test
    void aSmallHeapStopsGrowthAtOneOwnerPer32KiB() {
        assertThat(Relata.defaultMaxBatchSize(1_000, 128 * MIB)).isEqualTo(4_096);
        assertThat(Relata.defaultMaxBatchSize(1_000, 256 * MIB)).isEqualTo(8_192);
    }

    @Test
    void growthNeverGoesBelowTheFirstBatch() {
        assertThat(Relata.defaultMaxBatchSize(1_000, 16 * MIB)).isEqualTo(1_000);
        assertThat(Relata.defaultMaxBatchSize(20_000, 24L * 1024 * MIB)).isEqualTo(20_000);
    }
}
