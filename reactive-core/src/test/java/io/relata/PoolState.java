package io.relata;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;

/**
 * What the pools of a {@link Relata} hold, summed over its pools, for tests that check no connection leaked: every
 * connection the pools allocated is idle again, none is acquired or awaited, and Relata has none out.
 *
 * @param allocated connections the pools hold
 * @param idle connections waiting in the pools
 * @param acquired connections handed out
 * @param pending borrowers waiting for a connection
 * @param borrowed connections Relata has borrowed and not yet given back
 */
public record PoolState(int allocated, int idle, int acquired, int pending, int borrowed) {

    /** @return the state of the pools Relata created (none when it was built on a caller's pool) */
    public static PoolState of(Relata relata) {
        int allocated = 0;
        int idle = 0;
        int acquired = 0;
        int pending = 0;
        for (ConnectionPool pool : relata.ownedPools()) {
            PoolMetrics m = pool.getMetrics().orElseThrow();
            allocated += m.allocatedSize();
            idle += m.idleSize();
            acquired += m.acquiredSize();
            pending += m.pendingAcquireSize();
        }
        return new PoolState(allocated, idle, acquired, pending, relata.borrowedConnections());
    }

    /** @return whether every connection is back: nothing acquired, awaited or borrowed, every allocated one idle */
    public boolean quiet() {
        return this.acquired == 0 && this.pending == 0 && this.borrowed == 0 && this.idle == this.allocated;
    }
}
