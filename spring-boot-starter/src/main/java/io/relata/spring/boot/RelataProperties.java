package io.relata.spring.boot;

import io.relata.Relata;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Relata's settings under {@code relata.*}. The database itself comes from Boot's {@code spring.r2dbc.*}.
 */
@ConfigurationProperties("relata")
public class RelataProperties {

    /**
     * Whether to log every SQL statement Relata sends, at INFO on the logger io.relata.sql.
     */
    private boolean logStatements;

    private final Preload preload = new Preload();

    /** @return whether statements are logged */
    public boolean isLogStatements() {
        return this.logStatements;
    }

    /** @param logStatements whether statements are logged */
    public void setLogStatements(boolean logStatements) {
        this.logStatements = logStatements;
    }

    /** @return the preload settings */
    public Preload getPreload() {
        return this.preload;
    }

    /** Preload settings ({@code relata.preload.*}). */
    public static class Preload {

        /**
         * Owners per preload query. Unset: 1,000 for the first batch of a stream, growing on PostgreSQL up to
         * max-batch-size; set alone, every batch has this size.
         */
        private @Nullable Integer batchSize;

        /**
         * Owners per preload query once batches have grown (each batch of a stream twice the one before, from
         * batch-size). Unset: 16,000 on PostgreSQL (one per 32 KiB of maximum heap when that is fewer) unless
         * batch-size is set, no growth elsewhere.
         */
        private @Nullable Integer maxBatchSize;

        /**
         * Preload queries of one association in flight at once outside a transaction, each on its own connection.
         */
        private int concurrency = Relata.DEFAULT_PRELOAD_CONCURRENCY;

        /**
         * Maximum size of the connection pool that preload queries outside a transaction borrow from, separate from
         * Boot's pool so that streams holding Boot's connections can never wait for one of them. Defaults to half of
         * Boot's pool size, at least 2.
         */
        private @Nullable Integer poolSize;

        /** @return owners per preload query, or {@code null} for Relata's default (growing batches) */
        public @Nullable Integer getBatchSize() {
            return this.batchSize;
        }

        /**
         * @param batchSize owners per preload query, at least 1; {@code null} for Relata's default
         * @throws IllegalArgumentException when {@code batchSize} is less than 1
         */
        public void setBatchSize(@Nullable Integer batchSize) {
            this.batchSize = batchSize == null ? null : atLeastOne("relata.preload.batch-size", batchSize);
        }

        /** @return owners per preload query once grown, or {@code null} for Relata's default */
        public @Nullable Integer getMaxBatchSize() {
            return this.maxBatchSize;
        }

        /**
         * @param maxBatchSize owners per preload query once grown, at least 1; {@code null} for Relata's default
         * @throws IllegalArgumentException when {@code maxBatchSize} is less than 1
         */
        public void setMaxBatchSize(@Nullable Integer maxBatchSize) {
            this.maxBatchSize = maxBatchSize == null ? null
                    : atLeastOne("relata.preload.max-batch-size", maxBatchSize);
        }

        /** @return preload queries in flight per association */
        public int getConcurrency() {
            return this.concurrency;
        }

        /**
         * @param concurrency preload queries in flight per association, at least 1
         * @throws IllegalArgumentException when {@code concurrency} is less than 1
         */
        public void setConcurrency(int concurrency) {
            this.concurrency = atLeastOne("relata.preload.concurrency", concurrency);
        }

        /** @return the preload pool's maximum size, or {@code null} for the default */
        public @Nullable Integer getPoolSize() {
            return this.poolSize;
        }

        /**
         * @param poolSize the preload pool's maximum size, at least 1; {@code null} for the default
         * @throws IllegalArgumentException when {@code poolSize} is less than 1
         */
        public void setPoolSize(@Nullable Integer poolSize) {
            this.poolSize = poolSize == null ? null : atLeastOne("relata.preload.pool-size", poolSize);
        }
    }

    private static int atLeastOne(String property, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be at least 1: " + value);
        }
        return value;
    }
}
