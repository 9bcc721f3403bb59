package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcException;
import io.relata.PoolState;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.Index;
import io.relata.testing.OwnPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A PostgreSQL server restarted and stopped under Relata (issue 9), on a server of the tests' own
 * ({@link OwnPostgres}, port 5451): the operations the fault interrupts fail in bounded time, none is half-applied,
 * and the pools recover by themselves, so the first query after the server is back succeeds.
 */
class PostgresRestartIntegrationTests {

    public static class Owner {
        Long id;
        @Index
        String name;
        Card card;
    }

    public static class Card {
        Long id;
        String number;
        @Index
        Long ownerId;
    }

    private static final String DATABASE = "relata_faults";

    private static final Duration BOUND = Duration.ofSeconds(60);

    private OwnPostgres server;

    private Relata db;

    @BeforeEach
    void freshDatabase() {
        this.server = OwnPostgres.start();
        this.server.freshDatabase(DATABASE);
        this.db = Relata.builder(this.server.r2dbcUrl(DATABASE)).maxConnections(10).preloadBatchSize(100)
                .acquireTimeout(Duration.ofSeconds(20)).build();
        this.db.migrate(Owner.class, Card.class).block(BOUND);
        this.db.repository(Owner.class).saveAll(Flux.range(1, 200).map(i -> owner("seed-" + i))).blockLast(BOUND);
    }

    @AfterEach
    void close() {
        if (this.db != null) {
            this.db.close().block(BOUND);
        }
    }

    @AfterAll
    static void stopServer() {
        OwnPostgres.shutdown();
    }

    private static Owner owner(String name) {
        Owner o = new Owner();
        o.name = name;
        o.card = new Card();
        o.card.number = "card-" + name;
        return o;
    }

    private long count(String sql) {
        try (Connection c = this.server.jdbc(DATABASE); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private void assertEveryOwnerHasItsOwnCard() {
        assertThat(count("SELECT COUNT(*) FROM owners o WHERE NOT EXISTS "
                + "(SELECT 1 FROM cards c WHERE c.owner_id = o.id AND c.number = 'card-' || o.name)")).isZero();
        assertThat(count("SELECT COUNT(*) FROM cards c WHERE NOT EXISTS "
                + "(SELECT 1 FROM owners o WHERE o.id = c.owner_id)")).isZero();
    }

    private void awaitQuiet() {
        Awaitility.await().atMost(BOUND).untilAsserted(() -> assertThat(PoolState.of(this.db).quiet())
                .as("every connection back: %s", PoolState.of(this.db)).isTrue());
    }

    @Test
    void aRestartUnderLoadFailsOnlyWhatItInterruptsAndThePoolsRecover() {
        Repository<Owner> owners = this.db.repository(Owner.class);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicInteger serial = new AtomicInteger();
        Set<String> saved = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger afterRestart = new AtomicInteger();
        // 20 workers, each saving an owner with its card or reading every owner with its card, until told to stop.
        Mono<Void> load = Flux.range(0, 20).flatMap(worker -> Flux.<Integer>generate(sink -> {
            if (running.get()) {
                sink.next(serial.incrementAndGet());
            }
            else {
                sink.complete();
            }
        }).concatMap(n -> {
            Mono<Void> op = n % 2 == 0
                    ? owners.save(owner("load-" + n)).doOnNext(o -> saved.add(o.name)).then()
                    : owners.findAll().preload("card").flux()
                            .doOnNext(o -> assertThat(o.card.number).isEqualTo("card-" + o.name)).then();
            return op.doOnSuccess(done -> {
                if (restarted.get()) {
                    afterRestart.incrementAndGet();
                }
            }).onErrorResume(error -> {
                errors.add(error);
                return Mono.empty();
            });
        }), 20).then();
        reactor.core.Disposable running20 = load.subscribe();
        try {
            Awaitility.await().atMost(BOUND).until(() -> serial.get() > 100);
            this.server.restart();
            restarted.set(true);
            Awaitility.await().atMost(BOUND).until(() -> afterRestart.get() > 50);
            running.set(false);
            Awaitility.await().atMost(BOUND).until(running20::isDisposed);
        }
        finally {
            running.set(false);
        }
        // The restart ended the sessions of the statements in flight: those failed, with the driver's errors.
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(R2dbcException.class));
        assertEveryOwnerHasItsOwnCard();
        for (String name : saved) {
            assertThat(count("SELECT COUNT(*) FROM owners WHERE name = '" + name + "'")).as(name).isEqualTo(1);
        }
        assertThat(owners.findAll().count().block(BOUND)).isEqualTo(count("SELECT COUNT(*) FROM owners"));
        awaitQuiet();
    }

    @Test
    void aStoppedServerFailsCallersQuicklyAndTheFirstQueryAfterItStartsSucceeds() {
        Repository<Owner> owners = this.db.repository(Owner.class);
        Flux.range(0, 4).flatMap(i -> this.db.inTransaction(tx -> tx.repository(Owner.class).findAll().count()
                .delayElement(Duration.ofMillis(200))), 4).blockLast(BOUND);
        this.server.stopServer();
        try {
            long start = System.nanoTime();
            List<Throwable> failures = Flux.range(0, 10)
                    .flatMap(i -> owners.findAll().count().then(Mono.<Throwable>empty())
                            .onErrorResume(Mono::just), 10)
                    .collectList().block(BOUND);
            assertThat(failures).hasSize(10).allSatisfy(e -> assertThat(e).isInstanceOf(R2dbcException.class));
            // Refused at once: not hung until a timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        finally {
            this.server.startServer();
        }
        assertThat(owners.findAll().count().block(BOUND)).isEqualTo(200L);
        assertThat(Flux.range(0, 10).flatMap(i -> owners.findAll().preload("card").flux().count(), 10)
                .collectList().block(BOUND)).containsOnly(200L);
        assertEveryOwnerHasItsOwnCard();
        awaitQuiet();
    }
}
