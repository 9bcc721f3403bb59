package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;

/**
 * One borrowed connection and what happened to the statements run on it, so that when it goes back Relata knows
 * whether the server may still be running one of them (see {@link Supervisor#release(Lease)}).
 *
 * <p>A statement is <em>abandoned</em> when its subscriber cancelled before it finished, or when it failed with an
 * error the server did not report (a row mapper threw, say): the driver stops reading, but the server goes on
 * running the statement, and the next statement on the connection waits for it. It is <em>overdue</em> when its
 * statement timeout, enforced by Relata, expired: then there is no point waiting to see whether it ends soon.
 */
final class Lease {

    private final Connection connection;

    private final Connection physical;

    private volatile boolean serverTimeout;

    private volatile boolean abandoned;

    private volatile boolean overdue;

    Lease(Connection connection, boolean serverTimeout) {
        this.connection = connection;
        this.physical = physical(connection);
        this.serverTimeout = serverTimeout;
    }

    /**
     * The driver's own connection under r2dbc-pool's wrapper: what Relata prepared when it was opened, and what
     * identifies the server session across borrows.
     */
    static Connection physical(Connection connection) {
        Connection c = connection;
        while (c instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner && inner != c) {
            c = inner;
        }
        return c;
    }

    /** @return the connection statements run on (r2dbc-pool's wrapper when pooled) */
    Connection connection() {
        return this.connection;
    }

    Connection physicalConnection() {
        return this.physical;
    }

    /** @return whether the database enforces the statement timeout on this connection */
    boolean serverTimeout() {
        return this.serverTimeout;
    }

    void serverTimeout(boolean enforced) {
        this.serverTimeout = enforced;
    }

    boolean abandoned() {
        return this.abandoned;
    }

    boolean overdue() {
        return this.overdue;
    }

    void abandon() {
        this.abandoned = true;
    }

    void expire() {
        this.abandoned = true;
        this.overdue = true;
    }
}
