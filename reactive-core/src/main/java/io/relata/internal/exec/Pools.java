package io.relata.internal.exec;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.dialect.Dialect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Opens the connection pools of {@code Relata.Builder.build()}. The primary and each read replica get a main pool
 * and a preload pool (a stream holds its owners' connection while its preloads borrow, see
 * {@link Session#forPreloads()}), unless the factory already is an r2dbc-pool {@link ConnectionPool}, which then
 * serves both.
 */
public final class Pools {

    private Pools() {
    }

    /**
     * The session of the primary.
     *
     * @param dialect the dialect
     * @param factory the primary's connection factory
     * @param onStatement sees each statement's SQL as it is sent
     * @param preloadBatchSize owners per preload query
     * @param preloadConcurrency preload queries in flight per association outside a transaction
     * @param maxConnections the size of the main pool (the preload pool gets half, at least 2)
     * @param owned receives the pools created here, to be closed with the instance
     * @return the session
     */
    public static Session primary(Dialect dialect, ConnectionFactory factory, Consumer<String> onStatement,
            int preloadBatchSize, int preloadConcurrency, int maxConnections, List<ConnectionPool> owned) {
        if (factory instanceof ConnectionPool pool) {
            // The caller's pool serves preload queries too: size it for one connection per streaming owner query
            // plus its preloads in flight.
            return Session.pooled(dialect, pool, pool, onStatement, preloadBatchSize, preloadConcurrency);
        }
        ConnectionPool main = pool(factory, "relata", maxConnections, null);
        ConnectionPool preloads = pool(factory, "relata-preload", Math.max(2, maxConnections / 2), null);
        owned.add(main);
        owned.add(preloads);
        return Session.pooled(dialect, main, preloads, onStatement, preloadBatchSize, preloadConcurrency);
    }

    /**
     * Pools the replicas and returns them as {@link Replicas}.
     *
     * @param primary the primary's session, whose dialect and settings the replicas' sessions share
     * @param factories the replicas' connection factories
     * @param names how each replica is named in logs, in the same order
     * @param checkDialect whether each replica's dialect must be detected as the primary's (off when the dialect was
     *        set by hand)
     * @param maxConnections the size of each replica's main pool (its preload pool gets half, at least 2)
     * @param connectTimeout the longest a new connection to a replica may take before the replica counts as failed
     * @param retryAfter how long a failed replica is left out
     * @param owned receives the pools created here, to be closed with the instance
     * @return the replicas
     * @throws IllegalArgumentException when a replica's database is not the primary's kind
     */
    public static Replicas replicas(Session primary, List<ConnectionFactory> factories, List<String> names,
            boolean checkDialect, int maxConnections, Duration connectTimeout, Duration retryAfter,
            List<ConnectionPool> owned) {
        List<Session> sessions = new ArrayList<>(factories.size());
        for (int i = 0; i < factories.size(); i++) {
            ConnectionFactory factory = factories.get(i);
            String name = names.get(i);
            if (checkDialect) {
                String kind = Dialect.detect(factory.getMetadata()).name();
                if (!kind.equals(primary.dialect().name())) {
                    throw new IllegalArgumentException("Read " + name + " is a " + kind + " database, the primary a "
                            + primary.dialect().name() + " one: replicas must be copies of the primary");
                }
            }
            if (factory instanceof ConnectionPool pool) {
                sessions.add(primary.on(pool, pool));
                continue;
            }
            String poolName = "relata-replica-" + (i + 1);
            ConnectionPool main = pool(factory, poolName, maxConnections, connectTimeout);
            ConnectionPool preloads = pool(factory, poolName + "-preload", Math.max(2, maxConnections / 2),
                    connectTimeout);
            owned.add(main);
            owned.add(preloads);
            sessions.add(primary.on(main, preloads));
        }
        return new Replicas(sessions, names, retryAfter);
    }

    private static ConnectionPool pool(ConnectionFactory factory, String name, int size,
            @Nullable Duration connectTimeout) {
        ConnectionPoolConfiguration.Builder configuration = ConnectionPoolConfiguration.builder(factory).name(name)
                .initialSize(0).maxSize(size);
        if (connectTimeout != null) {
            // It bounds the connection handshake only, not the wait for a free pooled connection: a busy replica
            // makes reads queue, a dead or unreachable one makes them move on (ServerTrouble).
            configuration.maxCreateConnectionTime(connectTimeout);
        }
        return new ConnectionPool(configuration.build());
    }
}
