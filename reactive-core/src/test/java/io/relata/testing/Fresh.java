package io.relata.testing;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

/**
 * One test's fresh, empty database: an r2dbc URL for the code under test and a plain-JDBC side channel to the
 * same database. Close it at the end of the test (after closing any pool built on {@link #connectionFactory()}).
 */
public final class Fresh implements AutoCloseable {

    private final TestDatabase database;
    private final String r2dbcUrl;
    private final Jdbc jdbc;
    private boolean closed;

    Fresh(TestDatabase database, String r2dbcUrl, Jdbc jdbc) {
        this.database = database;
        this.r2dbcUrl = r2dbcUrl;
        this.jdbc = jdbc;
    }

    /** A new, un-pooled r2dbc {@link ConnectionFactory} for this database on each call. */
    public ConnectionFactory connectionFactory() {
        return ConnectionFactories.get(r2dbcUrl);
    }

    /** The r2dbc URL of this database, usable with {@link ConnectionFactories#get(String)}. */
    public String r2dbcUrl() {
        return r2dbcUrl;
    }

    /** Plain, synchronous JDBC to the same database, independent of the code under test. */
    public Jdbc jdbc() {
        return jdbc;
    }

    public TestDatabase database() {
        return database;
    }

    /** Closes the JDBC connection; for H2 this also shuts the in-memory database down (dropping it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (database == TestDatabase.H2) {
                jdbc.shutdownH2();
            }
        } finally {
            jdbc.close();
        }
    }

    @Override
    public String toString() {
        return "Fresh[" + database + " " + r2dbcUrl + "]";
    }
}
