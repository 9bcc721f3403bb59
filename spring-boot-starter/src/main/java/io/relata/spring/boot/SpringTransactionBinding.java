package io.relata.spring.boot;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.relata.spi.TransactionBinding;
import java.util.Objects;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Hands Relata the connection of the Spring-managed reactive transaction its caller is in: the one
 * {@code R2dbcTransactionManager} opened for {@code @Transactional} or {@code TransactionalOperator} on the same
 * {@link ConnectionFactory}, found through the Reactor Context as {@code DatabaseClient} finds it
 * ({@link ConnectionFactoryUtils}). So Relata's statements and {@code DatabaseClient}'s share the connection, and
 * commit or roll back together. The starter sets it on its {@code Relata} bean; a hand-built {@code Relata} gets it
 * with {@code Relata.builder(connectionFactory).transactionBinding(new SpringTransactionBinding(connectionFactory))}.
 *
 * <p>Only an actual transaction is joined: inside a {@code SUPPORTS} or {@code NOT_SUPPORTED} scope (synchronization
 * without a transaction), and outside any, Relata borrows its own connections as usual.
 */
public final class SpringTransactionBinding implements TransactionBinding {

    private final ConnectionFactory connectionFactory;

    /**
     * Creates the binding.
     *
     * @param connectionFactory the factory the transaction manager manages; the same instance Relata is built on
     * @throws NullPointerException when {@code connectionFactory} is {@code null}
     */
    public SpringTransactionBinding(ConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
    }

    /**
     * The transaction's connection.
     *
     * @return emits the connection bound to the current actual transaction for this factory; completes empty
     *         outside one (and when the subscriber's Context holds no Spring transaction at all)
     */
    @Override
    public Mono<Connection> currentConnection() {
        // getConnection() counts a reference on the transaction's ConnectionHolder and Relata never releases it: the
        // holder belongs to R2dbcTransactionManager, which closes the connection at completion whatever the count
        // (R2dbcTransactionManager#doCleanupAfterCompletion, spring-r2dbc 7.0).
        return TransactionSynchronizationManager.forCurrentTransaction()
                .filter(TransactionSynchronizationManager::isActualTransactionActive)
                .flatMap(synchronization -> ConnectionFactoryUtils.currentConnectionFactory(this.connectionFactory))
                .flatMap(ConnectionFactoryUtils::getConnection)
                .onErrorResume(NoTransactionException.class, ex -> Mono.empty());
    }

    @Override
    public String toString() {
        return "SpringTransactionBinding[" + this.connectionFactory + "]";
    }
}
