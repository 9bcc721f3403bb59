/**
 * A pure Reactor batch-loading operator: {@link io.relata.preload.BatchPreload} takes a stream of owners, fetches
 * their related values one batch at a time through a caller-supplied fetcher, attaches them, and emits the owners
 * in their original order with bounded memory. The package contains no SQL and depends only on reactor-core.
 */
@NullMarked
package io.relata.preload;

import org.jspecify.annotations.NullMarked;
