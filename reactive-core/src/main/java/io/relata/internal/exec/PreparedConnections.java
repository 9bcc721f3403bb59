package io.relata.internal.exec;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The connection factory under Relata's own pools: each connection is prepared once, when it is opened (its session's
 * statement timeout set, its server-side id read), before the pool first hands it out.
 *
 * <p>Not r2dbc-pool's {@code postAllocate}: r2dbc-pool 1.0.2 runs that on every acquire, before it validates the
 * connection, so it cost two round trips per borrow and, on an idle connection whose server session had died, failed
 * the borrower instead of letting validation drop the connection (found by the fault tests on all three databases).
 */
final class PreparedConnections implements ConnectionFactory {

    private final ConnectionFactory factory;

    private final Function<Connection, Mono<Void>> prepare;

    PreparedConnections(ConnectionFactory factory, Function<Connection, Mono<Void>> prepare) {
        this.factory = factory;
        this.prepare = prepare;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.<Connection>from(this.factory.create()).flatMap(connection -> this.prepare.apply(connection)
                .thenReturn(connection)
                .onErrorResume(error -> Mono.from(connection.close()).onErrorResume(e -> Mono.empty())
                        .then(Mono.error(error))));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return this.factory.getMetadata();
    }
}
