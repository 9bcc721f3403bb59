package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a many-to-many association on a {@code List<X>}, {@code Set<X>} or {@code Collection<X>} field, through
 * a join table that holds one row per linked pair (GORM's {@code many2many}).
 *
 * <p>By default {@code User.languages} uses the join table {@code user_languages} with the columns {@code user_id}
 * (referencing {@code users.id}) and {@code language_id} (referencing {@code languages.id}); {@code migrate} creates
 * it with a composite primary key over both columns and a foreign-key constraint to each side, {@code ON DELETE
 * CASCADE} unless {@link #onDelete()} says otherwise. The other side may declare the same join table on a collection
 * of its own (a back-reference: {@code Language.users}). A self-referential many-to-many ({@code User.friends}) names
 * its second column after the field: {@code user_friends(user_id, friend_id)}.
 *
 * <p>A join table with columns of its own (GORM's {@code SetupJoinTable}) is mapped by {@link #joinEntity()}: an
 * entity class with a field for each of the two key columns (both {@code @Id}), whose other fields are written when a
 * pair is linked (timestamps are set) and whose {@code deletedAt} makes unlinking a soft delete.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ManyToMany {

    /**
     * The join table's name; empty for {@code <owner type>_<field>} in snake case, such as {@code user_languages}.
     *
     * @return the join table name
     */
    String joinTable() default "";

    /**
     * The field of this entity the join table references (GORM's many2many {@code foreignKey}), a Java field name
     * (case-insensitive); empty for the primary key.
     *
     * @return this entity's referenced field
     */
    String foreignKey() default "";

    /**
     * The field of the element type the join table references, a Java field name (case-insensitive); empty for its
     * primary key.
     *
     * @return the element type's referenced field
     */
    String references() default "";

    /**
     * The join table's column that holds this entity's key, a Java-style or column name ({@code UserReferID} and
     * {@code user_refer_id} both give the column {@code user_refer_id}); empty for {@code <OwnerType><Key>}.
     *
     * @return the join column of this side
     */
    String joinForeignKey() default "";

    /**
     * The join table's column that holds the element's key; empty for {@code <ElementType><Key>}, or, for a
     * self-referential many-to-many, {@code <singular field name><Key>} ({@code friend_id}).
     *
     * @return the join column of the other side
     */
    String joinReferences() default "";

    /**
     * An entity class mapping the join table when it carries columns of its own; {@code void.class} for a plain
     * two-column join table.
     *
     * @return the join entity class
     */
    Class<?> joinEntity() default void.class;

    /**
     * The {@code ON UPDATE} action of both foreign-key constraints of the join table.
     *
     * @return the action
     */
    Action onUpdate() default Action.DEFAULT;

    /**
     * The {@code ON DELETE} action of both foreign-key constraints of the join table; {@link Action#DEFAULT} gives
     * {@code CASCADE}, so deleting either side deletes its join rows.
     *
     * @return the action
     */
    Action onDelete() default Action.DEFAULT;
}
