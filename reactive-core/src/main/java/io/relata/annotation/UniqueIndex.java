package io.relata.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@code migrate} for a unique index on the field's column, named {@code idx_<table>_<column>} unless named
 * here. A field referenced by a foreign key ({@code references}) needs one for the constraint to be created.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface UniqueIndex {

    /**
     * The index name; empty for the default {@code idx_<table>_<column>}.
     *
     * @return the index name
     */
    String value() default "";
}
