package io.relata.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * The databases integration tests run against, each resolved once per JVM.
 *
 * <ul>
 *   <li>{@link #H2}: an in-memory database in this JVM, always available.</li>
 *   <li>{@link #POSTGRES}: the server named by {@code -Drelata.test.postgres.url} or {@code RELATA_PG_URL}
 *       (an r2dbc URL; default {@value Servers#DEFAULT_POSTGRES_URL}); when it does not answer, an embedded
 *       PostgreSQL (zonky) started once for this JVM.</li>
 *   <li>{@link #MARIADB}: the server named by {@code -Drelata.test.mariadb.url} or {@code RELATA_MARIADB_URL}
 *       (default {@value Servers#DEFAULT_MARIADB_URL}); when it does not answer, tests are skipped, or fail
 *       when the environment variable {@code CI} is set.</li>
 * </ul>
 */
public enum TestDatabase {
    H2, POSTGRES, MARIADB;

    /**
     * Skips the calling test with the reason when this database cannot be reached. POSTGRES falls back to an
     * embedded PostgreSQL first; MARIADB fails instead of skipping when the environment variable {@code CI} is
     * set.
     */
    public void assumeAvailable() {
        Servers.Resolved resolved = Servers.resolve(this);
        if (resolved.available()) {
            return;
        }
        String reason = this + " is not available: " + resolved.reason();
        if (this == MARIADB && Servers.isCi()) {
            throw new AssertionError(reason + " (CI is set, so this fails instead of skipping)");
        }
        Assumptions.abort(reason);
    }

    /**
     * A fresh, empty database for one test. H2: a new uniquely named in-memory database. POSTGRES: the
     * dedicated database (default {@code relata_it}) with schema {@code public} dropped and re-created.
     * MARIADB: the dedicated database dropped and re-created. Calls {@link #assumeAvailable()} first.
     */
    public Fresh fresh() {
        assumeAvailable();
        return Servers.fresh(this);
    }

    /**
     * A second fresh, empty database on the same server as {@code primary} (H2: another in-memory database;
     * PostgreSQL and MariaDB: {@code <name>_replica}), standing in for a read replica.
     */
    public Fresh freshCompanion(Fresh primary) {
        if (primary.database() != this) {
            throw new IllegalArgumentException(primary + " is not a " + this + " database");
        }
        return Servers.freshCompanion(primary);
    }
}
