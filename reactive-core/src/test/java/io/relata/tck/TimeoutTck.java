package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.testing.ServerControl;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Timeouts and abandoned statements on every database (issue 9): the statement timeout stops a statement on the
 * server, an abandoned statement never reaches the next user of its connection, the acquire timeout bounds the wait
 * for a busy pool. Server state (which statements run, which sessions exist) is read through the JDBC side channel.
 */
public abstract class TimeoutTck extends DatabaseTestSupport {

    public static class Item {
        Long id;
        String name;
    }

    private static final Duration SHORT = Duration.ofMillis(500);

    /** Far below the 30 s a long statement runs when nothing stops it. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<Relata> opened = new ArrayList<>();

    private ServerControl server;

    @BeforeEach
    void serverControl() {
        this.server = ServerControl.of(this.fresh);
        migrate(Item.class);
    }

    @AfterEach
    void closeOpened() {
        for (Relata r : this.opened) {
            r.close().block(TIMEOUT);
        }
    }

    private Relata relata(UnaryOperator<Relata.Builder> config) {
        Relata r = config.apply(Relata.builder(this.fresh.r2dbcUrl()).onStatement(this.statements::add)).build();
        this.opened.add(r);
        return r;
    }

    private static Mono<Long> count(Relata r) {
        return r.repository(Item.class).findAll().count();
    }

    private void awaitNoLongStatement() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> this.server.longStatementsRunning() == 0);
    }

    @Test
    void statementTimeoutStopsTheStatementOnTheServerAndKeepsTheConnection() {
        Relata r = relata(b -> b.statementTimeout(SHORT).maxConnections(1));
        assertThat(count(r).block(BOUND)).isZero();
        List<Long> before = this.server.sessions();
        String sql = this.server.longStatement();
        assertThatThrownBy(() -> r.exec(sql).block(BOUND))
                .isInstanceOfSatisfying(R2dbcTimeoutException.class, e -> assertThat(e.getSql()).isEqualTo(sql));
        awaitNoLongStatement();
        assertThat(count(r).block(BOUND)).isZero();
        // Enforced by the database, so the connection was fine to keep.
        assertThat(this.server.sessions()).isEqualTo(before);
    }

    @Test
    void statementTimeoutComesFromTheUrl() {
        String url = this.fresh.r2dbcUrl();
        Relata r = Relata.connect(url + (url.contains("?") ? "&" : "?") + "statementTimeout=500ms");
        this.opened.add(r);
        assertThatThrownBy(() -> r.exec(this.server.longStatement()).block(BOUND))
                .isInstanceOf(R2dbcTimeoutException.class);
        awaitNoLongStatement();
        assertThat(count(r).block(BOUND)).isZero();
    }

    @Test
    void anAbandonedStatementIsStoppedAndItsConnectionIsNotHandedOn() {
        // issue 9: on MariaDB the next query on that connection waited for the abandoned one to finish.
        List<Long> others = this.server.sessions();
        Relata r = relata(b -> b.maxConnections(1));
        assertThat(count(r).block(BOUND)).isZero();
        List<Long> before = new ArrayList<>(this.server.sessions());
        before.removeAll(others);
        assertThat(before).hasSize(1);
        assertThatThrownBy(() -> r.exec(this.server.longStatement()).timeout(SHORT).block(BOUND))
                .hasCauseInstanceOf(TimeoutException.class);
        awaitNoLongStatement();
        assertThat(count(r).block(BOUND)).isZero();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(this.server.sessions()).doesNotContainAnyElementsOf(before));
    }

    @Test
    void aStreamCancelledNearItsEndKeepsItsConnection() {
        Assumptions.assumeTrue(this.db.dialect().statementsQueuePerConnection(),
                "a ping cannot tell whether an abandoned statement still runs, so its connection is closed");
        for (int i = 0; i < 50; i++) {
            this.jdbc.update("INSERT INTO items (name) VALUES (?)", "item" + i);
        }
        Relata r = relata(b -> b.maxConnections(1));
        Repository<Item> items = r.repository(Item.class);
        Set<List<Long>> sessions = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            assertThat(items.findAll().flux().take(5).collectList().block(BOUND)).hasSize(5);
            assertThat(count(r).block(BOUND)).isEqualTo(50L);
            sessions.add(this.server.sessions());
        }
        // The rest of a small result drains at once, so the connection goes back to the pool instead of being
        // closed; on a machine too busy to answer a ping within the grace period it may be closed now and then.
        assertThat(sessions).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void aStatementTimeoutRollsItsTransactionBack() {
        Relata r = relata(b -> b.statementTimeout(SHORT));
        Item item = new Item();
        item.name = "doomed";
        assertThatThrownBy(() -> r.inTransaction(tx -> tx.repository(Item.class).save(item)
                .then(tx.exec(this.server.longStatement()))).blockLast(BOUND))
                .isInstanceOf(R2dbcTimeoutException.class);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM items")).isZero();
        Item next = new Item();
        next.name = "next";
        r.repository(Item.class).save(next).block(BOUND);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM items")).isEqualTo(1L);
    }

    @Test
    void acquireTimeoutFailsWithoutSendingAnything() {
        Relata r = relata(b -> b.maxConnections(1).acquireTimeout(Duration.ofMillis(300)));
        Disposable holder = r.inTransaction(tx -> count(tx).then(Mono.never())).subscribe();
        try {
            org.awaitility.Awaitility.await().atMost(BOUND).until(() -> !statementsStartingWith("SELECT").isEmpty());
            this.statements.clear();
            assertThatThrownBy(() -> count(r).block(BOUND))
                    .isInstanceOf(R2dbcTimeoutException.class).hasMessageContaining("acquireTimeout");
            assertThat(this.statements).isEmpty();
        }
        finally {
            holder.dispose();
        }
        assertThat(count(r).block(BOUND)).isZero();
    }

    @Test
    void eachConnectionIsPreparedOnceAndNotOnEveryBorrow() {
        AtomicInteger sent = new AtomicInteger();
        ConnectionFactory real = this.fresh.connectionFactory();
        ConnectionFactory counting = new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(real.create()).map(c -> countingStatements(c, sent));
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return real.getMetadata();
            }
        };
        Relata r = Relata.builder(counting).statementTimeout(Duration.ofSeconds(30)).maxConnections(1)
                .onStatement(this.statements::add).build();
        this.opened.add(r);
        this.statements.clear();
        for (int i = 0; i < 20; i++) {
            assertThat(count(r).block(BOUND)).isZero();
        }
        assertThat(this.statements).hasSize(20);
        // The one connection's setup (its statement timeout, reading its id), then nothing but the 20 queries.
        assertThat(sent.get()).isEqualTo(22);
    }

    private static Connection countingStatements(Connection connection, AtomicInteger sent) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createStatement")) {
                        sent.incrementAndGet();
                    }
                    try {
                        return method.invoke(connection, args);
                    }
                    catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCallersPoolGetsTheStatementTimeoutToo() {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(this.fresh.connectionFactory())
                .initialSize(0).maxSize(1).build());
        try {
            Relata r = Relata.builder(pool).statementTimeout(SHORT).build();
            String sql = this.server.longStatement();
            assertThatThrownBy(() -> r.exec(sql).block(BOUND)).isInstanceOf(R2dbcTimeoutException.class);
            awaitNoLongStatement();
            assertThat(count(r).block(BOUND)).isZero();
            assertThatThrownBy(() -> r.inTransaction(tx -> tx.exec(sql)).blockLast(BOUND))
                    .isInstanceOf(R2dbcTimeoutException.class);
            awaitNoLongStatement();
            assertThat(count(r).block(BOUND)).isZero();
        }
        finally {
            pool.disposeLater().block(TIMEOUT);
        }
    }
}
