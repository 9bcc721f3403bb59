package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a has-one association: the field's type holds a foreign key that points at this entity.
 *
 * <p>Without {@code foreignKey} the foreign key is the field {@code <OwnerType><PrimaryKey>} of the target
 * (such as {@code userId} for {@code User}). With {@code polymorphic = "Owner"} the target holds {@code ownerId}
 * and {@code ownerType}, and the type column stores the owner's table name or {@link #polymorphicValue()}.
 * A has-one on a field of the entity's own type is a real self-referential has-one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface HasOne {

    /**
     * The foreign-key field of the target, a Java field name (case-insensitive); empty for the default.
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
     * The polymorphic prefix: the target's {@code <prefix>Id} and {@code <prefix>Type} fields hold the owner's
     * key and type. Empty for a plain has-one.
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
