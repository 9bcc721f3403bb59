/**
 * Spring Boot auto-configuration for Relata: a {@link io.relata.Relata} bean on Boot's own R2DBC
 * {@code ConnectionFactory} ({@link io.relata.spring.boot.RelataAutoConfiguration}), Relata calls joining Spring's
 * reactive transactions ({@link io.relata.spring.boot.SpringTransactionBinding}), a Micrometer {@code Observation} per
 * Relata operation ({@link io.relata.spring.boot.ObservationOperationObserver}) and settings under {@code relata.*}
 * ({@link io.relata.spring.boot.RelataProperties}). Wiring only: the behaviour lives in {@code reactive-core}.
 */
@NullMarked
package io.relata.spring.boot;

import org.jspecify.annotations.NullMarked;
