package io.relata.spring.boot;

import io.relata.Relata;

/**
 * Customizes the {@link Relata.Builder} of the starter's {@code Relata} bean after the starter applied its settings
 * ({@code relata.*}, the Spring transaction binding, the observer), for what has no property: a dialect, a statement
 * listener, timeouts. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface RelataBuilderCustomizer {

    /**
     * Customizes the builder.
     *
     * @param builder the builder, already configured by the starter
     */
    void customize(Relata.Builder builder);
}
