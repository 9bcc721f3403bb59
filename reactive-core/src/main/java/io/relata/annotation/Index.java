package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@code migrate} for an index on the field's column, named {@code idx_<table>_<column>} unless named here.
 * Fields naming the same index form one composite index, in declaration order.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Index {

    /**
     * The index name; empty for the default {@code idx_<table>_<column>}.
     *
     * @return the index name
     */
    String value() default "";
}
