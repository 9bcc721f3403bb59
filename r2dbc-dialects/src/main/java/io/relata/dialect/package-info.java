/**
 * SQL dialects of the databases Relata supports (PostgreSQL, H2, MariaDB) and their detection.
 */
@NullMarked
package io.relata.dialect;

import org.jspecify.annotations.NullMarked;
