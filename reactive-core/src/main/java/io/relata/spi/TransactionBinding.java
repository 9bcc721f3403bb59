package io.relata.spi;

import io.r2dbc.spi.Connection;
import reactor.core.publisher.Mono;

/**
 * Finds the connection of a transaction that the caller is already in and that something other than Relata manages
 * (Spring's {@code R2dbcTransactionManager} behind {@code @Transactional} or {@code TransactionalOperator}, for one).
 * Set it with {@link io.relata.Relata.Builder#transactionBinding(TransactionBinding)}.
 *
 * <p>Each Relata operation subscribes to {@link #currentConnection()} once, when it is subscribed to, with the
 * subscriber's Reactor {@link reactor.util.context.Context}. When it emits a connection, the whole operation
 * (queries, preloads, joins, cascaded saves, association mode, {@code exec}, {@code count}, {@code first},
 * {@code migrate}) runs on that connection the way it runs inside {@link io.relata.Relata#inTransaction}: one
 * statement at a time, owners read in pieces before their preloads, and {@code inTransaction} joins the transaction
 * instead of opening one. Relata then never commits, rolls back or closes that connection: its owner does. When it
 * completes empty, the operation borrows pooled connections as usual.
 *
 * <p>Anchor: Komapper's {@code SpringR2dbcTransactionSession}, which finds the transaction's connection through
 * Spring's {@code ConnectionFactoryUtils}.
 */
@FunctionalInterface
public interface TransactionBinding {

    /**
     * The connection of the transaction the subscriber is in, looked up in the subscriber's Reactor
     * {@link reactor.util.context.Context} (so it must be cold: evaluated on subscription, not on assembly).
     *
     * <p>The connection must already be in a transaction: Relata sends no {@code BEGIN} and, on PostgreSQL, streams
     * large reads through a server-side cursor, which needs one.
     *
     * @return emits the transaction's connection; completes empty outside such a transaction; signals an error
     *         only when the lookup itself fails (the Relata operation then signals it too, before any statement)
     */
    Mono<Connection> currentConnection();
}
