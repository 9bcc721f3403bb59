/**
 * Relata's public API: {@link io.relata.Relata} (connection, migration, transactions),
 * {@link io.relata.Repository} (saves, deletes, queries of one entity type), {@link io.relata.Query} (cold,
 * immutable queries with preload and joins) and {@link io.relata.Association} (association mode).
 */
@NullMarked
package io.relata;

import org.jspecify.annotations.NullMarked;
