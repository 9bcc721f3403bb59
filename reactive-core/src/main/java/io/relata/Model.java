package io.relata;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A convenient base class for entities, the counterpart of GORM's {@code gorm.Model}: a generated {@code Long id},
 * timestamps managed by Relata, and soft delete through {@code deletedAt}.
 *
 * <p>Relata sets {@code createdAt} and {@code updatedAt} on insert, {@code updatedAt} on update, and
 * {@code deletedAt} on delete. Rows whose {@code deleted_at} is set are invisible to every query, preload and
 * join unless the repository or query is {@code unscoped()}.
 */
public abstract class Model {

    private @Nullable Long id;

    private @Nullable Instant createdAt;

    private @Nullable Instant updatedAt;

    private @Nullable Instant deletedAt;

    /**
     * Creates a model with no id; {@code save} inserts it and writes the generated id back.
     */
    protected Model() {
    }

    /**
     * The primary key.
     *
     * @return the id, or {@code null} before the first save
     */
    public @Nullable Long getId() {
        return this.id;
    }

    /**
     * Sets the primary key. An entity with an id is updated, not inserted, by {@code save}.
     *
     * @param id the id, or {@code null}
     */
    public void setId(@Nullable Long id) {
        this.id = id;
    }

    /**
     * When the row was inserted, set by Relata.
     *
     * @return the creation time, or {@code null} before the first save
     */
    public @Nullable Instant getCreatedAt() {
        return this.createdAt;
    }

    /**
     * Sets the creation time; Relata keeps a value that is already set when inserting.
     *
     * @param createdAt the creation time
     */
    public void setCreatedAt(@Nullable Instant createdAt) {
        this.createdAt = createdAt;
    }

    /**
     * When the row was last saved, set by Relata.
     *
     * @return the update time, or {@code null} before the first save
     */
    public @Nullable Instant getUpdatedAt() {
        return this.updatedAt;
    }

    /**
     * Sets the update time; Relata overwrites it on every save.
     *
     * @param updatedAt the update time
     */
    public void setUpdatedAt(@Nullable Instant updatedAt) {
        this.updatedAt = updatedAt;
    }

    /**
     * When the row was soft-deleted.
     *
     * @return the deletion time, or {@code null} while the row is live
     */
    public @Nullable Instant getDeletedAt() {
        return this.deletedAt;
    }

    /**
     * Sets the deletion time. Setting it and saving soft-deletes the row.
     *
     * @param deletedAt the deletion time, or {@code null}
     */
    public void setDeletedAt(@Nullable Instant deletedAt) {
        this.deletedAt = deletedAt;
    }
}
