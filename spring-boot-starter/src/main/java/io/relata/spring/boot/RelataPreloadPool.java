package io.relata.spring.boot;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The connection pool Relata's preload queries borrow from outside a transaction, next to Boot's pool.
 *
 * <p>A stream ({@code findAll().preload(...)}) holds one of Boot's connections while its preload queries run on
 * others; if those came from Boot's pool too, as many concurrent streams as the pool has connections would each hold
 * one and wait for a second forever (Relata's {@code PreloadPoolIntegrationTests} shows it). So preload queries get a
 * pool of their own over the same underlying factory: the one Boot's {@link ConnectionPool} wraps, already decorated by
 * Boot (r2dbc-proxy observation included), so the driver's statement spans cover preload queries too.
 *
 * <p>Deliberately not a {@link ConnectionFactory} bean: a second one would turn Boot's
 * {@code R2dbcTransactionManager} and {@code DatabaseClient} off. When Boot's factory is not pooled
 * ({@code spring.r2dbc.pool.enabled=false}) there is none, and Relata pools that factory itself.
 */
public final class RelataPreloadPool {

    /** The name of the pool, in r2dbc-pool and in its gauges' {@code name} tag. */
    public static final String NAME = "relataPreload";

    private final @Nullable ConnectionPool pool;

    private RelataPreloadPool(@Nullable ConnectionPool pool) {
        this.pool = pool;
    }

    /**
     * A preload pool beside the {@link ConnectionPool} that {@code connectionFactory} is or wraps.
     *
     * @param connectionFactory Boot's connection factory
     * @param maxSize the pool's maximum size, or {@code null} for half of Boot's pool (at least 2)
     * @return the preload pool; holds no pool when {@code connectionFactory} is not pooled
     * @throws IllegalArgumentException when {@code maxSize} is less than 1
     */
    public static RelataPreloadPool beside(ConnectionFactory connectionFactory, @Nullable Integer maxSize) {
        if (maxSize != null && maxSize < 1) {
            throw new IllegalArgumentException("relata.preload.pool-size must be at least 1: " + maxSize);
        }
        ConnectionPool boot = findPool(connectionFactory);
        if (boot == null) {
            return new RelataPreloadPool(null);
        }
        int size = maxSize != null ? maxSize
                : Math.max(2, boot.getMetrics().map(PoolMetrics::getMaxAllocatedSize).orElse(10) / 2);
        return new RelataPreloadPool(new ConnectionPool(ConnectionPoolConfiguration.builder(boot.unwrap())
                .name(NAME).initialSize(0).maxSize(size).build()));
    }

    private static @Nullable ConnectionPool findPool(Object candidate) {
        Object current = candidate;
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

    /**
     * The pool.
     *
     * @return the pool; empty when Boot's factory is not pooled
     */
    public Optional<ConnectionPool> pool() {
        return Optional.ofNullable(this.pool);
    }

    /**
     * Disposes the pool; Spring awaits the returned {@code Mono} when the context closes (a destroy method returning
     * a {@code Publisher}, spring-beans 6.1+).
     *
     * @return completes when the pool is disposed
     */
    public Mono<Void> close() {
        return this.pool == null ? Mono.empty() : this.pool.disposeLater();
    }
}
