package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the column of a field. Without it the column is the snake_case of the field name
 * ({@code userId} maps to {@code user_id}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Column {

    /**
     * The column name, used as given (quoted by the dialect).
     *
     * @return the column name
     */
    String value();
}
