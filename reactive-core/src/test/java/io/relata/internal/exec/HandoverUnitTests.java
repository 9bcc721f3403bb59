package io.relata.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * {@link Handover}: a connection goes either to the borrower or, when the borrower cancelled first, back by the
 * late-arrival path, and a cancel never reaches the pool's acquire.
 */
class HandoverUnitTests {

    private final Sinks.One<Connection> pool = Sinks.one();

    private final AtomicBoolean acquireCancelled = new AtomicBoolean();

    private final List<Connection> givenBack = new CopyOnWriteArrayList<>();

    private final Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "toString" -> "connection";
                case "hashCode" -> 1;
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private Handover handover() {
        return handover(Duration.ZERO);
    }

    private Handover handover(Duration timeout) {
        return new Handover(this.pool.asMono().doOnCancel(() -> this.acquireCancelled.set(true)),
                this.givenBack::add, timeout, () -> new IllegalStateException("no connection in " + timeout));
    }

    @Test
    void aConnectionThatComesInTimeGoesToTheBorrower() {
        StepVerifier.create(handover())
                .then(() -> this.pool.tryEmitValue(this.connection))
                .expectNext(this.connection)
                .verifyComplete();
        assertThat(this.givenBack).isEmpty();
    }

    @Test
    void aConnectionThatComesAfterTheBorrowerCancelledIsGivenBackAndTheAcquireIsNotCancelled() {
        Disposable borrower = handover().subscribe(c -> {
            throw new AssertionError("handed to a borrower that cancelled: " + c);
        });
        borrower.dispose();
        assertThat(this.acquireCancelled).as("the pool's acquire cancelled").isFalse();

        this.pool.tryEmitValue(this.connection);

        assertThat(this.givenBack).containsExactly(this.connection);
    }

    @Test
    void aCancelAfterTheHandOverLeavesTheConnectionWithTheBorrower() {
        StepVerifier.create(handover())
                .then(() -> this.pool.tryEmitValue(this.connection))
                .expectNext(this.connection)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(this.acquireCancelled).isFalse();
        assertThat(this.givenBack).isEmpty();
    }

    @Test
    void theAcquireTimeoutFailsTheBorrowOnlyAndTheLateConnectionGoesBack() {
        StepVerifier.create(handover(Duration.ofMillis(20)))
                .expectErrorMessage("no connection in PT0.02S")
                .verify(Duration.ofSeconds(5));
        assertThat(this.acquireCancelled).as("the pool's acquire cancelled").isFalse();

        this.pool.tryEmitValue(this.connection);

        assertThat(this.givenBack).containsExactly(this.connection);
    }

    @Test
    void aConnectionThatComesBeforeTheTimeoutGoesToTheBorrowerAndTheTimerIsStopped() throws InterruptedException {
        StepVerifier.create(handover(Duration.ofMillis(50)))
                .then(() -> this.pool.tryEmitValue(this.connection))
                .expectNext(this.connection)
                .verifyComplete();
        Thread.sleep(100);
        assertThat(this.givenBack).isEmpty();
    }

    @Test
    void anAcquireErrorReachesTheBorrowerButNotOneThatCancelled() {
        StepVerifier.create(handover())
                .then(() -> this.pool.tryEmitError(new IllegalStateException("pool closed")))
                .expectErrorMessage("pool closed")
                .verify(Duration.ofSeconds(5));

        Sinks.One<Connection> other = Sinks.one();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Disposable cancelled = new Handover(other.asMono(), this.givenBack::add, Duration.ZERO, IllegalStateException::new).subscribe(c -> { }, errors::add);
        cancelled.dispose();
        other.tryEmitError(new IllegalStateException("pool closed"));
        assertThat(errors).isEmpty();
        assertThat(this.givenBack).isEmpty();
    }

    @Test
    void anEmptyAcquireCompletesTheBorrower() {
        StepVerifier.create(new Handover(Mono.empty(), this.givenBack::add, Duration.ZERO, IllegalStateException::new))
                .verifyComplete();
    }
}
