package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the table of an entity. Without it the table is the snake_case plural of the class name
 * ({@code CreditCard} maps to {@code credit_cards}, {@code Person} to {@code people}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Table {

    /**
     * The table name, used as given (quoted by the dialect).
     *
     * @return the table name
     */
    String value();
}
