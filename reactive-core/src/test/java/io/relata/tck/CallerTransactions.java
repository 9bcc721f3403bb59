package io.relata.tck;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.relata.spi.TransactionBinding;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A stand-in for a framework's transaction manager (Spring's {@code R2dbcTransactionManager}, in small): it opens
 * transactions on connections of its own pool, puts the connection in the Reactor Context of the work, and commits or
 * rolls back itself. As a {@link TransactionBinding} it hands Relata that connection, the way the Spring Boot starter
 * does through {@code ConnectionFactoryUtils}.
 */
final class CallerTransactions implements TransactionBinding, AutoCloseable {

    private static final String KEY = CallerTransactions.class.getName();

    private final ConnectionPool pool;

    private final AtomicInteger lookups = new AtomicInteger();

    CallerTransactions(ConnectionFactory factory, int size) {
        this.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).name("caller")
                .initialSize(0).maxSize(size).build());
    }

    @Override
    public Mono<Connection> currentConnection() {
        return Mono.deferContextual(ctx -> {
            this.lookups.incrementAndGet();
            return Mono.justOrEmpty(ctx.<Connection>getOrEmpty(KEY));
        });
    }

    /** @return how often Relata asked for the caller's connection */
    int lookups() {
        return this.lookups.get();
    }

    /**
     * Runs work in a transaction of the caller's: begun before it, committed after it when {@code commit} is set and
     * it completed, rolled back otherwise (also on error and cancel).
     */
    <T> Flux<T> run(boolean commit, Function<Connection, ? extends Publisher<T>> work) {
        return Flux.usingWhen(this.pool.create(),
                c -> Flux.usingWhen(Mono.from(c.beginTransaction()).thenReturn(c),
                        tx -> Flux.from(work.apply(tx)).contextWrite(Context.of(KEY, tx)),
                        tx -> commit ? tx.commitTransaction() : tx.rollbackTransaction(),
                        (tx, error) -> tx.rollbackTransaction(),
                        Connection::rollbackTransaction),
                Connection::close);
    }

    /** @return the caller's pool */
    ConnectionPool pool() {
        return this.pool;
    }

    @Override
    public void close() {
        this.pool.dispose();
    }

    /** A connection factory that counts the connections Relata opens on it (it must open none inside). */
    static final class Counting implements ConnectionFactory {

        private final ConnectionFactory delegate;

        private final AtomicInteger created = new AtomicInteger();

        Counting(ConnectionFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.from(this.delegate.create()).doOnNext(c -> this.created.incrementAndGet());
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.delegate.getMetadata();
        }

        int created() {
            return this.created.get();
        }
    }
}
