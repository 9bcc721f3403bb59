package io.relata.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Relata operation as an {@link OperationObserver} sees it: low-cardinality facts only (no SQL text, no bound
 * values), fit for metric tags and span names.
 *
 * @param kind what the operation does
 * @param entity the entity class it works on: the queried, saved or deleted type, the owner of a preload or of an
 *        association; {@code null} for {@link Kind#EXEC} and {@link Kind#MIGRATE}
 * @param database the database's name as its dialect gives it ({@code PostgreSQL}, {@code H2}, {@code MariaDB})
 * @param association the association's field name for {@link Kind#PRELOAD} and {@link Kind#ASSOCIATION}, else
 *        {@code null}
 * @param batchSize for {@link Kind#PRELOAD}, the number of distinct keys this batch's query asks for; else 0
 */
public record Operation(Kind kind, @Nullable Class<?> entity, String database, @Nullable String association,
        int batchSize) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code kind} or {@code database} is {@code null}
     * @throws IllegalArgumentException when {@code batchSize} is negative
     */
    public Operation {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(database, "database must not be null");
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must not be negative: " + batchSize);
        }
    }

    /**
     * The entity's simple class name, or {@code "none"}.
     *
     * @return the entity's name
     */
    public String entityName() {
        return this.entity == null ? "none" : this.entity.getSimpleName();
    }

    /**
     * What an operation does. A query with joins is a {@link #JOIN}; each preload batch is its own {@link #PRELOAD}
     * operation, inside the operation that read its owners.
     */
    public enum Kind {
        /** A query's rows ({@code flux()}, {@code first()}, {@code findById}), without joins. */
        FIND,
        /** A query with {@code joins}/{@code innerJoins}. */
        JOIN,
        /** A query's {@code count()}. */
        COUNT,
        /** One preload batch: the query for one association's targets of a batch of owners. */
        PRELOAD,
        /** {@code save} or {@code saveAll}, cascades included. */
        SAVE,
        /** {@code update(entity, field, value)}. */
        UPDATE,
        /** {@code delete} or {@code deleteById}. */
        DELETE,
        /** An association-mode call ({@code find}, {@code replace}, {@code delete}, {@code clear}, ...). */
        ASSOCIATION,
        /** {@code exec}: a raw statement. */
        EXEC,
        /** {@code migrate}. */
        MIGRATE;

        /**
         * The lower-case name used in tags and span names ({@code find}, {@code preload}, ...).
         *
         * @return the name
         */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
