package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.relata.dialect.Dialect;
import io.relata.dialect.StatementCancel;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stops a statement on the server from a second connection ({@link Dialect#statementCancel()}): PostgreSQL
 * {@code pg_cancel_backend}, MariaDB {@code KILL QUERY}, H2 {@code CANCEL_SESSION}. Each needs the server-side id
 * of the connection running the statement, which can only be read while that connection is idle, so it is read
 * once per connection when it is opened (or first borrowed, from a pool Relata does not own) and kept here.
 *
 * <p>The second connection is opened from the unpooled factory: a pool whose every connection is busy (the moment a
 * stop matters most) cannot hold up the stop, and the stop cannot take a connection another user waits for.
 */
final class StatementStopper {

    private static final System.Logger LOG = System.getLogger(StatementStopper.class.getName());

    /** How long a stop may take, side connection included, before Relata gives up on it and closes the connection. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final @Nullable StatementCancel cancel;

    private final @Nullable ConnectionFactory sideFactory;

    /** Server-side ids by the driver's connection; weak, so connections the pool closes are forgotten. */
    private final Map<Connection, Object> ids = Collections.synchronizedMap(new WeakHashMap<>());

    StatementStopper(Dialect dialect, @Nullable ConnectionFactory sideFactory) {
        Optional<StatementCancel> c = dialect.statementCancel();
        this.cancel = sideFactory == null ? null : c.orElse(null);
        this.sideFactory = sideFactory;
    }

    /** @return whether this connection's id still has to be read before statements run on it */
    boolean needsId(Connection physical) {
        return this.cancel != null && !this.ids.containsKey(physical);
    }

    /**
     * Reads the id of an idle connection.
     *
     * @param physical the driver's connection
     * @return completes when the id is known; an error when the query failed
     */
    Mono<Void> readId(Connection physical) {
        StatementCancel c = this.cancel;
        if (c == null) {
            return Mono.empty();
        }
        return Flux.from(physical.createStatement(c.connectionIdQuery()).execute())
                .concatMap(result -> result.map((row, metadata) -> Optional.ofNullable(row.get(0))))
                .doOnNext(id -> id.ifPresent(value -> this.ids.put(physical, value)))
                .then();
    }

    /**
     * Stops the statement a connection runs, if its id is known; never fails (a failed stop is logged, and the
     * caller closes the connection either way).
     *
     * @param physical the driver's connection running the statement
     * @return completes when the server has been told
     */
    Mono<Void> stop(Connection physical) {
        StatementCancel c = this.cancel;
        ConnectionFactory side = this.sideFactory;
        Object id = this.ids.get(physical);
        if (c == null || side == null || id == null) {
            return Mono.empty();
        }
        return Flux.usingWhen(Mono.from(side.create()),
                        s -> Flux.from(s.createStatement(c.cancelStatement()).bind(0, id).execute())
                                .concatMap(Result::getRowsUpdated),
                        Connection::close)
                .then()
                .timeout(STOP_TIMEOUT)
                .onErrorResume(error -> {
                    LOG.log(System.Logger.Level.WARNING, "Could not stop the statement of connection {0} on the "
                            + "server ({1}); closing the connection instead", id, error.toString());
                    return Mono.empty();
                });
    }
}
