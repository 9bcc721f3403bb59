package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.benchmarks.peers.HCreditCard;
import io.relata.benchmarks.peers.HUser;
import io.relata.benchmarks.peers.HUserBatch;
import io.relata.benchmarks.peers.HCreditCardBatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.hibernate.cfg.Configuration;
import org.hibernate.reactive.provider.ReactiveServiceRegistryBuilder;
import org.hibernate.reactive.stage.Stage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 2, Hibernate Reactive 2.4 on the Vert.x PostgreSQL client (PostgreSQL only): the has-one is the inverse
 * side of a {@code @OneToOne(mappedBy)}; {@code joinFetch} runs {@code left join fetch}, {@code batchFetch} loads
 * the users and lets Hibernate batch-load the cards ({@code @BatchSize(size = 1000)}, default batch fetch size
 * 1000) through a one-element {@code @OneToMany}, because Hibernate does not batch the inverse side of a one-to-one
 * (see {@link HUserBatch}). A stateful session per operation, as an application would use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class HibernateReactiveBenchmark {

    @Param({"postgresql"})
    public String db;

    @Param({"1000", "10000", "100000"})
    public int owners;

    Relata relata;

    Stage.SessionFactory factory;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        if (!bench.postgres()) {
            throw new IllegalArgumentException("Hibernate Reactive runs on PostgreSQL only here (vertx-pg-client)");
        }
        this.relata = bench.relata();
        bench.seed(this.relata, this.owners);
        Configuration cfg = new Configuration().addAnnotatedClass(HUser.class).addAnnotatedClass(HCreditCard.class)
                .addAnnotatedClass(HUserBatch.class).addAnnotatedClass(HCreditCardBatch.class);
        Properties p = new Properties();
        p.put("hibernate.connection.url", "jdbc:postgresql://" + bench.host() + ":" + bench.port() + "/"
                + bench.database());
        p.put("hibernate.connection.username", bench.user());
        p.put("hibernate.connection.password", "");
        p.put("hibernate.connection.pool_size", String.valueOf(BenchDb.POOL_SIZE));
        p.put("hibernate.default_batch_fetch_size", "1000");
        p.put("hibernate.hbm2ddl.auto", "none");
        p.put("hibernate.show_sql", System.getProperty("relata.bench.showSql", "false"));
        cfg.setProperties(p);
        this.factory = cfg.buildSessionFactory(new ReactiveServiceRegistryBuilder().applySettings(cfg.getProperties())
                .build()).unwrap(Stage.SessionFactory.class);
        // Statements per op, seen with -jvmArgsAppend -Drelata.bench.showSql=true: joinFetch 1; batchFetch 1 + one
        // "user_id = any ($1)" per 1,000 owners.
        check("joinFetch", joinFetch());
        List<HUserBatch> batched = batchFetch();
        Check.owners("batchFetch", batched, this.owners, HUserBatch::getId,
                u -> u.creditCard() == null ? null : u.creditCard().userId);
    }

    private void check(String what, List<HUser> users) {
        Check.owners(what, users, this.owners, HUser::getId, u -> u.creditCard == null ? null : u.creditCard.userId);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.factory.close();
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<HUser> joinFetch() {
        return this.factory.withSession(s -> s.createSelectionQuery(
                "select u from HUser u left join fetch u.creditCard", HUser.class).getResultList())
                .toCompletableFuture().join();
    }

    /**
     * The users, then {@code fetch} of each one's lazy card collection: Hibernate loads the uninitialised
     * collections 1,000 owners per statement ({@code @BatchSize}); the fetches of already loaded ones complete at once.
     */
    @Benchmark
    public List<HUserBatch> batchFetch() {
        return this.factory.withSession(s -> s.createSelectionQuery("select u from HUserBatch u", HUserBatch.class)
                .getResultList()
                .thenCompose(users -> fetchAll(s, users, 0).thenApply(x -> users)))
                .toCompletableFuture().join();
    }

    private static CompletionStage<Void> fetchAll(Stage.Session s, List<HUserBatch> users, int from) {
        // Skip the initialised collections synchronously (no deep CompletionStage chain for 100,000 owners).
        int i = from;
        while (i < users.size() && org.hibernate.Hibernate.isInitialized(users.get(i).cards)) {
            i++;
        }
        if (i == users.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int next = i + 1;
        return s.fetch(users.get(i).cards).thenCompose(x -> fetchAll(s, users, next));
    }
}
