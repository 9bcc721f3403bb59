/**
 * The live schema: what the database's catalog says about the tables Relata maps (columns with their declared
 * types, indexes, foreign keys), read once per table per {@code Relata} instance and used where the real column
 * matters: binding values, typing key sets, casting joins, additive migration and {@code validate}.
 */
@NullMarked
package io.relata.internal.schema;

import org.jspecify.annotations.NullMarked;
