package io.relata.internal.exec;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.dialect.Dialect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the pools of read replicas for {@code Relata.Builder.build()}. Like the primary, each replica gets a main
 * pool and a preload pool (a stream holds its owners' connection while its preloads borrow, see
 * {@link Session#forPreloads()}), unless it already is an r2dbc-pool {@link ConnectionPool}, which then serves both;
 * and its own {@link Supervisor}, so a statement abandoned on a replica is stopped on that replica.
 */
public final class ReplicaPools {

    private ReplicaPools() {
    }

    /**
     * What the replicas' pools are built with.
     *
     * @param checkDialect whether each replica's dialect must be detected as the primary's (off when the dialect was
     *        set by hand)
     * @param maxConnections the size of each replica's main pool (its preload pool gets half, at least 2)
     * @param statementTimeout the statement timeout, {@link Duration#ZERO} for none
     * @param connectTimeout the longest a new connection to a replica may take before the replica counts as failed
     * @param acquireTimeout how long a read waits for a pooled replica connection, {@link Duration#ZERO} for ever
     * @param retryAfter how long a failed replica is left out
     */
    public record Settings(boolean checkDialect, int maxConnections, Duration statementTimeout,
            Duration connectTimeout, Duration acquireTimeout, Duration retryAfter) {
    }

    /**
     * Pools the replicas and returns them as {@link Replicas}.
     *
     * @param primary the primary's session, whose dialect and settings the replicas' sessions share
     * @param factories the replicas' connection factories
     * @param names how each replica is named in logs, in the same order
     * @param settings the pools' settings
     * @param owned receives the pools created here, to be closed with the instance
     * @return the replicas
     * @throws IllegalArgumentException when a replica's database is not the primary's kind
     */
    public static Replicas open(Session primary, List<ConnectionFactory> factories, List<String> names,
            Settings settings, List<ConnectionPool> owned) {
        Dialect dialect = primary.dialect();
        List<Session> sessions = new ArrayList<>(factories.size());
        for (int i = 0; i < factories.size(); i++) {
            ConnectionFactory factory = factories.get(i);
            String name = names.get(i);
            if (settings.checkDialect()) {
                String kind = Dialect.detect(factory.getMetadata()).name();
                if (!kind.equals(dialect.name())) {
                    throw new IllegalArgumentException("Read " + name + " is a " + kind + " database, the primary a "
                            + dialect.name() + " one: replicas must be copies of the primary");
                }
            }
            if (factory instanceof ConnectionPool pool) {
                int size = pool.getMetrics().map(m -> m.getMaxAllocatedSize()).orElse(settings.maxConnections());
                Supervisor supervisor = new Supervisor(dialect, settings.statementTimeout(), settings.connectTimeout(),
                        settings.acquireTimeout(), pool.unwrap(), false, size);
                sessions.add(primary.on(pool, pool, supervisor));
                continue;
            }
            // connectTimeout bounds the handshake only (r2dbc-pool's maxCreateConnectionTime), not the wait for a free
            // pooled connection: an unreachable replica makes the read move on (ServerTrouble) within it.
            Supervisor supervisor = new Supervisor(dialect, settings.statementTimeout(), settings.connectTimeout(),
                    settings.acquireTimeout(), factory, true, settings.maxConnections());
            String poolName = "relata-replica-" + (i + 1);
            ConnectionPool main = supervisor.pool(factory, poolName, settings.maxConnections());
            ConnectionPool preloads = supervisor.pool(factory, poolName + "-preload",
                    Math.max(2, settings.maxConnections() / 2));
            owned.add(main);
            owned.add(preloads);
            sessions.add(primary.on(main, preloads, supervisor));
        }
        return new Replicas(sessions, names, settings.retryAfter());
    }
}
