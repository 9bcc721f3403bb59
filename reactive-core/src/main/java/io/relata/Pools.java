package io.relata;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;

/** Finds the pool a connection factory already is or wraps. */
final class Pools {

    private Pools() {
    }

    /**
     * The r2dbc-pool {@link ConnectionPool} that {@code factory} is or wraps (r2dbc {@link Wrapped}, such as Spring's
     * {@code TransactionAwareConnectionFactoryProxy} or an r2dbc-proxy factory), or {@code null}.
     */
    static @Nullable ConnectionPool find(Object factory) {
        Object current = factory;
        // Bounded: a Wrapped that unwraps to itself, or a cycle, must not loop.
        for (int depth = 0; depth < 16; depth++) {
            if (current instanceof ConnectionPool pool) {
                return pool;
            }
            if (!(current instanceof Wrapped<?> wrapped) || wrapped.unwrap() == current) {
                return null;
            }
            current = wrapped.unwrap();
        }
        return null;
    }
}
