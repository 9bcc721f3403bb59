/**
 * Annotations that map entities to tables, columns, indexes and associations.
 */
@NullMarked
package io.relata.annotation;

import org.jspecify.annotations.NullMarked;
