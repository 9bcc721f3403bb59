/**
 * Seams for frameworks that host Relata, such as the Spring Boot starter (and, later, Micronaut or Quarkus
 * integrations): {@link io.relata.spi.TransactionBinding} lets Relata run on the connection of a transaction the
 * framework manages, and {@link io.relata.spi.OperationObserver} sees each Relata operation (for metrics and
 * tracing). Both are set on {@link io.relata.Relata.Builder}; without them nothing changes.
 */
@NullMarked
package io.relata.spi;

import org.jspecify.annotations.NullMarked;
