package io.relata.dialect;

import java.util.Objects;

/**
 * How a statement running on one connection is stopped from another connection: the query that reads a
 * connection's server-side id (run once on that connection while it is idle), and the statement that, run on a
 * second connection with that id bound to its one parameter, stops whatever statement the first connection is
 * running. The connection itself stays open.
 *
 * @param connectionIdQuery a query returning one row with one column, the connection's id, such as
 *        {@code SELECT pg_backend_pid()}
 * @param cancelStatement a statement with one bind marker (the dialect's {@link Dialect#placeholder(int) placeholder}
 *        0) for the id, such as {@code SELECT pg_cancel_backend($1)}
 */
public record StatementCancel(String connectionIdQuery, String cancelStatement) {

    /**
     * Creates the description.
     *
     * @param connectionIdQuery the id query
     * @param cancelStatement the cancel statement
     * @throws NullPointerException when either is {@code null}
     */
    public StatementCancel {
        Objects.requireNonNull(connectionIdQuery, "connectionIdQuery must not be null");
        Objects.requireNonNull(cancelStatement, "cancelStatement must not be null");
    }
}
