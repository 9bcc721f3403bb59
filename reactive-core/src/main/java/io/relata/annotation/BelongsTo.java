package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a belongs-to association: this entity holds a foreign key that points at the field's type.
 *
 * <p>Without {@code foreignKey} the foreign key is this entity's field {@code <field><PrimaryKey>} (such as
 * {@code userId} for a field {@code user}, or {@code managerId} for {@code User manager}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface BelongsTo {

    /**
     * The foreign-key field of this entity, a Java field name (case-insensitive); empty for the default.
     *
     * @return the foreign-key field name
     */
    String foreignKey() default "";

    /**
     * The field of the target the foreign key stores, a Java field name (case-insensitive); empty for the
     * target's primary key.
     *
     * @return the referenced field name
     */
    String references() default "";

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
