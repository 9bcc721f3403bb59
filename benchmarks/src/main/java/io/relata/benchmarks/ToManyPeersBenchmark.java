package io.relata.benchmarks;

import static org.springframework.data.relational.core.query.Criteria.where;
import static org.springframework.data.relational.core.query.Query.query;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.benchmarks.peers.HCustomer;
import io.relata.benchmarks.peers.HOrder;
import io.relata.benchmarks.peers.SdCustomer;
import io.relata.benchmarks.peers.SdOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.springframework.data.domain.Sort;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import reactor.core.publisher.Flux;

/**
 * Scenario 5 with the peers, PostgreSQL: customers with their ten orders each through Hibernate Reactive 2.4 (a lazy
 * {@code @OneToMany} in primary-key order: {@code left join fetch}, and batch fetching 1,000 owners per statement)
 * and through Spring Data R2DBC 3.5, which has no relationships (the preload written by hand: the customers, then
 * the orders of their keys in {@code IN} chunks of 10,000, grouped through a map). The same data as
 * {@link ToManyBenchmark}, whose hand-written baseline is the reference of the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class ToManyPeersBenchmark {

    static final int IN_CHUNK = 10_000;

    @Param({"postgresql"})
    public String db;

    @Param({"1000", "10000", "100000"})
    public int owners;

    Relata relata;

    Stage.SessionFactory factory;

    ConnectionPool pool;

    R2dbcEntityTemplate template;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        if (!bench.postgres()) {
            throw new IllegalArgumentException("the peers run on PostgreSQL only here (vertx-pg-client)");
        }
        this.relata = bench.relata();
        ToManyData.seed(bench, this.relata, this.owners);
        open(bench);
    }

    /** Connects the peers to data already seeded, and checks them. */
    void open(BenchDb bench) {
        Configuration cfg = new Configuration().addAnnotatedClass(HCustomer.class).addAnnotatedClass(HOrder.class);
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
        this.pool = bench.rawPool();
        this.template = new R2dbcEntityTemplate(this.pool);
        ToManyData.check("hibernateJoinFetch", hibernateJoinFetch(), this.owners, ToManyData.PER_OWNER,
                HCustomer::getId, c -> c.orders, o -> o.customerId);
        ToManyData.check("hibernateBatchFetch", hibernateBatchFetch(), this.owners, ToManyData.PER_OWNER,
                HCustomer::getId, c -> c.orders, o -> o.customerId);
        ToManyData.check("springData", springData(), this.owners, ToManyData.PER_OWNER, c -> c.id, c -> c.orders,
                o -> o.customerId);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.factory.close();
        this.pool.disposeLater().block(BenchDb.TIMEOUT);
        if (this.relata != null) {
            this.relata.close().block(BenchDb.TIMEOUT);
        }
    }

    @Benchmark
    public List<HCustomer> hibernateJoinFetch() {
        // Hibernate 6 de-duplicates the owners of a fetch join by itself.
        return this.factory.withSession(s -> s.createSelectionQuery(
                "select c from HCustomer c left join fetch c.orders", HCustomer.class).getResultList())
                .toCompletableFuture().join();
    }

    @Benchmark
    public List<HCustomer> hibernateBatchFetch() {
        return this.factory.withSession(s -> s.createSelectionQuery("select c from HCustomer c", HCustomer.class)
                .getResultList()
                .thenCompose(customers -> fetchAll(s, customers, 0).thenApply(x -> customers)))
                .toCompletableFuture().join();
    }

    private static CompletionStage<Void> fetchAll(Stage.Session s, List<HCustomer> customers, int from) {
        // Skip the initialised collections synchronously (no deep CompletionStage chain for 100,000 owners).
        int i = from;
        while (i < customers.size() && org.hibernate.Hibernate.isInitialized(customers.get(i).orders)) {
            i++;
        }
        if (i == customers.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int next = i + 1;
        return s.fetch(customers.get(i).orders).thenCompose(x -> fetchAll(s, customers, next));
    }

    @Benchmark
    public List<SdCustomer> springData() {
        return this.template.select(SdCustomer.class)
                .matching(query(where("deleted_at").isNull()))
                .all()
                .collectList()
                .flatMap(customers -> {
                    List<List<Long>> chunks = new ArrayList<>();
                    for (int from = 0; from < customers.size(); from += IN_CHUNK) {
                        List<Long> keys = new ArrayList<>(IN_CHUNK);
                        for (SdCustomer c : customers.subList(from, Math.min(customers.size(), from + IN_CHUNK))) {
                            keys.add(c.id);
                        }
                        chunks.add(keys);
                    }
                    return Flux.fromIterable(chunks)
                            .concatMap(keys -> this.template.select(SdOrder.class)
                                    .matching(query(where("customer_id").in(keys).and("deleted_at").isNull())
                                            .sort(Sort.by("id")))
                                    .all())
                            .collect(() -> new HashMap<Long, List<SdOrder>>(), (m, o) -> m
                                    .computeIfAbsent(o.customerId, k -> new ArrayList<>()).add(o))
                            .map(byCustomer -> stitch(customers, byCustomer));
                })
                .block(BenchDb.TIMEOUT);
    }

    private static List<SdCustomer> stitch(List<SdCustomer> customers, Map<Long, List<SdOrder>> byCustomer) {
        for (SdCustomer c : customers) {
            List<SdOrder> orders = byCustomer.get(c.id);
            c.orders = orders == null ? new ArrayList<>() : orders;
        }
        return customers;
    }
}
