package io.relata.internal.meta;

import org.jspecify.annotations.Nullable;

/**
 * The join table of a many-to-many association, as seen from the side that declares it: the column holding the
 * owner's key, the column holding the target's key, and the entity that maps the table when it has columns of its
 * own (GORM's {@code SetupJoinTable}).
 *
 * @param table the unquoted table name
 * @param ownerColumn the column that holds the owner's referenced key
 * @param ownerType the Java type that column stores (the owner's referenced key's column type)
 * @param ownerName the name of the owner side in constraint names ({@code fk_user_languages_user})
 * @param targetColumn the column that holds the target's referenced key
 * @param targetType the Java type that column stores
 * @param targetName the name of the target side in constraint names ({@code language}, or {@code friends} for a
 *        self-reference)
 * @param entity the join entity, or {@code null} for a plain two-column table
 */
public record JoinTable(String table, String ownerColumn, Class<?> ownerType, String ownerName, String targetColumn,
        Class<?> targetType, String targetName, @Nullable EntityMeta<?> entity) {

    /** @return whether unlinking a pair soft-deletes its row (the join entity has {@code deletedAt}) */
    public boolean softDelete() {
        return this.entity != null && this.entity.deletedAt() != null;
    }

    /**
     * The join table seen from the other side: owner and target columns swapped, so a back-reference
     * ({@code Language.users} over {@code user_languages}) can be compared with the side that declared it first.
     *
     * @return the mirrored description
     */
    public JoinTable mirrored() {
        return new JoinTable(this.table, this.targetColumn, this.targetType, this.targetName, this.ownerColumn,
                this.ownerType, this.ownerName, this.entity);
    }
}
