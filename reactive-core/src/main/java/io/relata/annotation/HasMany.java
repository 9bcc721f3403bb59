package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a has-many association on a {@code List<X>}, {@code Set<X>} or {@code Collection<X>} field: every
 * {@code X} row holds a foreign key that points at this entity, and this entity owns zero or more of them.
 *
 * <p>Without the annotation, a collection field whose element type holds {@code <OwnerType><PrimaryKey>} (such as
 * {@code userId} for {@code User}) is a has-many too, as in GORM. Without {@code foreignKey} the foreign key is that
 * field. With {@code polymorphic = "Owner"} the element type holds {@code ownerId} and {@code ownerType}, and the
 * type column stores this entity's table name or {@link #polymorphicValue()}. A has-many on a collection of the
 * entity's own type (GORM's {@code Team []User} by {@code ManagerID}) is a self-referential has-many; it needs
 * {@code foreignKey}, since the default {@code <Type>Id} would name the entity's own key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface HasMany {

    /**
     * The foreign-key field of the element type, a Java field name (case-insensitive); empty for the default
     * {@code <OwnerType><Key>}.
     *
     * @return the foreign-key field name
     */
    String foreignKey() default "";

    /**
     * The field of this entity the foreign key stores, a Java field name (case-insensitive); empty for the
     * primary key.
     *
     * @return the referenced field name
     */
    String references() default "";

    /**
     * The polymorphic prefix: the element type's {@code <prefix>Id} and {@code <prefix>Type} fields hold the
     * owner's key and type. Empty for a plain has-many.
     *
     * @return the polymorphic prefix
     */
    String polymorphic() default "";

    /**
     * The value stored in the polymorphic type column; empty for the owner's table name.
     *
     * @return the polymorphic type value
     */
    String polymorphicValue() default "";

    /**
     * The {@code ON UPDATE} action of the foreign-key constraint created by {@code migrate}.
     *
     * @return the action
     */
    Action onUpdate() default Action.DEFAULT;

    /**
     * The {@code ON DELETE} action of the foreign-key constraint created by {@code migrate}.
     *
     * @return the action
     */
    Action onDelete() default Action.DEFAULT;
}
