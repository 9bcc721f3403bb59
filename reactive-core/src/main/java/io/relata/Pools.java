package io.relata;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Wrapped;

/** Whether a connection factory already pools its connections. */
final class Pools {

    private Pools() {
    }

    /**
     * Whether {@code factory} is an r2dbc-pool {@link ConnectionPool} or wraps one (r2dbc {@link Wrapped}, such as
     * Spring's {@code TransactionAwareConnectionFactoryProxy} or an r2dbc-proxy factory).
     */
    static boolean isPooled(Object factory) {
        Object current = factory;
        // Bounded: a Wrapped that unwraps to itself, or a cycle, must not loop.
        for (int depth = 0; depth < 16; depth++) {
            if (current instanceof ConnectionPool) {
                return true;
            }
            if (!(current instanceof Wrapped<?> wrapped) || wrapped.unwrap() == current) {
                return false;
            }
            current = wrapped.unwrap();
        }
        return false;
    }
}
