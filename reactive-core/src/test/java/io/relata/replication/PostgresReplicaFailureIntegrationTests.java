package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Card;
import io.relata.replication.Probes.ManyProbe;
import io.relata.replication.Probes.Probe;
import io.relata.replication.Probes.SlowProbe;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Replicas that refuse connections or die mid-query, on real servers killed as a crash would kill them
 * ({@code pg_ctl stop -m immediate}). The pools are the test's own, so it can check that every connection came back.
 */
class PostgresReplicaFailureIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<String> statements = new CopyOnWriteArrayList<>();

    private final List<ConnectionPool> pools = new ArrayList<>();

    private ReplicaSet set;

    private Relata db;

    @BeforeEach
    void open() {
        this.set = ReplicaSet.up();
        this.set.reset();
        Probes.create(this.set);
        this.db = Relata.builder(pool(ReplicaSet.PRIMARY))
                .replicas(pool(ReplicaSet.REPLICA1), pool(ReplicaSet.REPLICA2))
                .replicaRetryAfter(Duration.ofSeconds(2))
                .onStatement(this.statements::add)
                .build();
        this.db.migrate(Account.class, Card.class).block(TIMEOUT);
        this.set.awaitReplicas();
        this.statements.clear();
    }

    private ConnectionPool pool(int port) {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration
                .builder(ConnectionFactories.get(this.set.url(port) + "?forceBinary=true"))
                .initialSize(0).maxSize(6).maxCreateConnectionTime(Duration.ofSeconds(3)).build());
        this.pools.add(pool);
        return pool;
    }

    @AfterEach
    void close() {
        try {
            for (ConnectionPool pool : this.pools) {
                await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(pool.getMetrics().orElseThrow()
                        .acquiredSize()).as("connections still out of %s", pool).isZero());
            }
        }
        finally {
            this.db.close().block(TIMEOUT);
            this.pools.forEach(pool -> pool.disposeLater().block(TIMEOUT));
        }
    }

    private Repository<Probe> probes() {
        return this.db.repository(Probe.class);
    }

    private static int other(int replica) {
        return replica == ReplicaSet.REPLICA1 ? ReplicaSet.REPLICA2 : ReplicaSet.REPLICA1;
    }

    private long selects(String table) {
        return this.statements.stream().filter(s -> s.startsWith("SELECT") && s.contains(table)).count();
    }

    @Test
    void aReplicaThatRefusesConnectionsIsSkippedUntilItComesBack() {
        this.set.kill(ReplicaSet.REPLICA2);
        for (int i = 0; i < 6; i++) {
            Probe p = probes().findAll().first().block(Duration.ofSeconds(10));
            assertThat(p.port).as("read %d", i).isEqualTo(ReplicaSet.REPLICA1);
        }
        // A refused connection sends no statement: every read ran once.
        assertThat(selects("probes")).isEqualTo(6);

        this.set.start(ReplicaSet.REPLICA2);
        // Left out for replicaRetryAfter (2 s); then it takes its turns again.
        await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                probes().findAll().first().block(TIMEOUT).port == ReplicaSet.REPLICA2);
    }

    @Test
    void aReplicaKilledBeforeItAnsweredIsReadAgainOnTheOther() {
        CompletableFuture<SlowProbe> read = this.db.repository(SlowProbe.class).findAll().first().toFuture();
        int busy = replicaRunning("slow_probes");
        this.set.kill(busy);
        SlowProbe answer = read.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(answer.port).isEqualTo(other(busy));
        assertThat(answer.inRecovery).isTrue();
        assertThat(selects("slow_probes")).isEqualTo(2);
    }

    @Test
    void aReplicaKilledMidStreamEndsTheStreamWithAnErrorAndIsSkippedAfterwards() {
        Probes.createMany(this.set);
        Collector collector = new Collector();
        this.db.repository(ManyProbe.class).findAll().orderBy("id").flux().subscribe(collector);
        await().atMost(30, TimeUnit.SECONDS).until(() -> collector.received.size() == Collector.FIRST);
        int streaming = collector.received.get(0).port;
        this.set.kill(streaming);
        collector.requestRest();
        await().atMost(60, TimeUnit.SECONDS).until(() -> collector.error.get() != null || collector.completed);

        // Elements already emitted are never emitted again: the stream ends with the server's error.
        assertThat(collector.completed).as("the stream cannot complete: the server died").isFalse();
        assertThat(collector.error.get()).isInstanceOf(R2dbcException.class);
        List<ManyProbe> rows = List.copyOf(collector.received);
        assertThat(rows.size()).isBetween(Collector.FIRST, Probes.MANY - 1);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).id).isEqualTo(i + 1L);
            assertThat(rows.get(i).port).isEqualTo(streaming);
        }
        assertThat(selects("many_probes")).isEqualTo(1);

        for (int i = 0; i < 4; i++) {
            assertThat(probes().findAll().first().block(Duration.ofSeconds(10)).port).isEqualTo(other(streaming));
        }
    }

    @Test
    void withBothReplicasDownReadsGoToThePrimaryAndWritesGoOn() {
        this.set.kill(ReplicaSet.REPLICA1);
        this.set.kill(ReplicaSet.REPLICA2);
        Account a = new Account();
        a.owner = "ada";
        a.balance = 1L;
        this.db.repository(Account.class).save(a).block(TIMEOUT);
        for (int i = 0; i < 3; i++) {
            Probe p = probes().findAll().preload("detail").first().block(Duration.ofSeconds(10));
            assertThat(p.port).isEqualTo(ReplicaSet.PRIMARY);
            assertThat(p.detail.port).isEqualTo(ReplicaSet.PRIMARY);
        }
        assertThat(this.db.repository(Account.class).findAll().count().block(TIMEOUT)).isEqualTo(1L);
    }

    /** Waits until one replica runs a statement on the table, and says which. */
    private int replicaRunning(String table) {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%" + table + "%'"
                + " AND pid <> pg_backend_pid()";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (int port : new int[] {ReplicaSet.REPLICA1, ReplicaSet.REPLICA2}) {
                if (((Number) this.set.single(port, sql)).longValue() > 0) {
                    return port;
                }
            }
            ReplicaSet.pause(20);
        }
        throw new AssertionError("no replica ran a statement on " + table);
    }

    /** Takes the first rows, then waits to be told to take the rest. */
    private static final class Collector extends BaseSubscriber<ManyProbe> {

        static final int FIRST = 1000;

        final List<ManyProbe> received = Collections.synchronizedList(new ArrayList<>());

        final AtomicReference<Throwable> error = new AtomicReference<>();

        volatile boolean completed;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(FIRST);
        }

        @Override
        protected void hookOnNext(ManyProbe value) {
            this.received.add(value);
        }

        void requestRest() {
            request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnComplete() {
            this.completed = true;
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            this.error.set(throwable);
        }
    }
}
