package io.relata.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.relata.dialect.Dialects;
import io.relata.internal.schema.Catalog;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The choice of server for a read, without a database: the work stands for a read and answers with the name of the
 * session it was given (the factories are never connected to). The servers themselves are in the
 * {@code Postgres*ReplicationIntegrationTests} and {@code ReplicaRoutingTck}.
 */
class ReplicasUnitTests {

    private static final ConnectionFactory UNUSED = ConnectionFactories.get("r2dbc:postgresql://nobody@127.0.0.1:1/unused");

    private final Session primary = session();

    private final Session one = session();

    private final Session two = session();

    private final Map<Session, String> names = Map.of(this.primary, "primary", this.one, "one", this.two, "two");

    private final AtomicLong now = new AtomicLong(1_000);

    private final Replicas replicas = new Replicas(List.of(this.one, this.two), List.of("replica one", "replica two"),
            Duration.ofNanos(100), this.now::get);

    private final List<String> attempts = new ArrayList<>();

    private static Session session() {
        Supervisor supervisor = new Supervisor(Dialects.postgres(), Duration.ZERO, Duration.ZERO, Duration.ZERO, null,
                false, 1);
        return Session.pooled(Dialects.postgres(), UNUSED, UNUSED, sql -> { }, 10, 1, supervisor,
                new Binder(Dialects.postgres(), ZoneOffset.UTC, new Catalog(Dialects.postgres())));
    }

    /** A read that fails on the named servers with the error, and else answers with the server's name. */
    private Function<Session, Publisher<String>> read(Set<String> failing, RuntimeException error) {
        return s -> {
            String name = this.names.get(s);
            this.attempts.add(name);
            return failing.contains(name) ? Flux.error(error) : Flux.just(name);
        };
    }

    private Function<Session, Publisher<String>> healthy() {
        return read(Set.of(), new IllegalStateException("unused"));
    }

    private String one(Function<Session, Publisher<String>> work) {
        return this.replicas.read(this.primary, work).single().block();
    }

    @Test
    void readsTakeTurns() {
        assertThat(List.of(one(healthy()), one(healthy()), one(healthy()), one(healthy())))
                .containsExactly("one", "two", "one", "two");
    }

    @Test
    void aFailedReplicaIsLeftOutForAWhileAndTheReadMovesOn() {
        RuntimeException refused = new R2dbcNonTransientResourceException("Connection refused");
        assertThat(one(read(Set.of("one"), refused))).isEqualTo("two");
        assertThat(one(healthy())).isEqualTo("two");
        assertThat(one(healthy())).isEqualTo("two");
        this.now.addAndGet(100);
        // Back in the turns once the time has passed.
        assertThat(List.of(one(healthy()), one(healthy()))).containsExactlyInAnyOrder("one", "two");
        assertThat(this.attempts.subList(0, 4)).containsExactly("one", "two", "two", "two");
    }

    @Test
    void withEveryReplicaFailingTheReadGoesToThePrimary() {
        RuntimeException closed = new R2dbcNonTransientResourceException("Connection unexpectedly closed");
        assertThat(one(read(Set.of("one", "two"), closed))).isEqualTo("primary");
        assertThat(one(healthy())).isEqualTo("primary");
        assertThat(this.attempts).containsExactly("one", "two", "primary", "primary");
    }

    @Test
    void thePrimarysErrorCarriesWhatTheReplicasSaid() {
        RuntimeException closed = new R2dbcNonTransientResourceException("Connection unexpectedly closed");
        StepVerifier.create(this.replicas.read(this.primary, read(Set.of("one", "two", "primary"), closed)))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(closed))
                .verify();
        this.now.addAndGet(100);
        StepVerifier.create(this.replicas.read(this.primary, s -> {
            String name = this.names.get(s);
            return Flux.error(new R2dbcNonTransientResourceException(name + " down"));
        })).expectErrorSatisfies(e -> {
            assertThat(e).hasMessage("primary down");
            assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                    .containsExactlyInAnyOrder("one down", "two down");
        }).verify();
    }

    @Test
    void aStatementErrorIsNotRetried() {
        RuntimeException bad = new R2dbcBadGrammarException("column \"x\" does not exist", "42703");
        StepVerifier.create(this.replicas.read(this.primary, read(Set.of("one"), bad)))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(bad))
                .verify();
        assertThat(this.attempts).containsExactly("one");
        // Nor is the replica left out for it.
        assertThat(one(healthy())).isEqualTo("two");
        assertThat(one(healthy())).isEqualTo("one");
    }

    @Test
    void aReadThatAlreadyEmittedIsNeverRunAgain() {
        RuntimeException closed = new R2dbcNonTransientResourceException("Connection unexpectedly closed");
        StepVerifier.create(this.replicas.read(this.primary, s -> {
            this.attempts.add(this.names.get(s));
            return Flux.concat(Flux.just("row 1", "row 2"), Flux.error(closed));
        })).expectNext("row 1", "row 2").expectErrorSatisfies(e -> assertThat(e).isSameAs(closed)).verify();
        assertThat(this.attempts).containsExactly("one");
    }

    @Test
    void nothingRunsBeforeSubscription() {
        Flux<String> read = this.replicas.read(this.primary, healthy());
        assertThat(this.attempts).isEmpty();
        StepVerifier.create(read).expectNext("one").verifyComplete();
        StepVerifier.create(read).expectNext("two").verifyComplete();
    }
}
