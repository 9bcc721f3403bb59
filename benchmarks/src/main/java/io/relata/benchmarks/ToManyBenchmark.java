package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.Customer;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Scenario 5, to-many: all customers with their ten orders each, as a list. Relata {@code preload("orders")} against
 * the best hand-written R2DBC ({@link HandWrittenToMany}: two queries, one array key set, binary rows); and the
 * latest three orders of each customer, Relata's per-owner limit ({@code q.orderBy("created_at DESC").limit(3)}) against
 * the hand-written window-function query. Hibernate Reactive and Spring Data R2DBC on the same data:
 * {@link ToManyPeersBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class ToManyBenchmark {

    @Param({"postgresql", "h2"})
    public String db;

    @Param({"1000", "10000", "100000"})
    public int owners;

    Relata relata;

    Repository<Customer> customers;

    ConnectionPool pool;

    HandWrittenToMany hand;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        // -Drelata.bench.batchSize: a preloadBatchSize other than the default, for tuning runs.
        this.relata = Integer.getInteger("relata.bench.batchSize") == null ? bench.relata()
                : bench.relata(Integer.getInteger("relata.bench.batchSize"));
        ToManyData.seed(bench, this.relata, this.owners);
        this.customers = this.relata.repository(Customer.class);
        this.pool = bench.rawPool();
        this.hand = new HandWrittenToMany(this.pool, bench.postgres());
        ToManyData.check("relataPreload", relataPreload(), this.owners, ToManyData.PER_OWNER);
        ToManyData.check("handTwoQueries", handTwoQueries(), this.owners, ToManyData.PER_OWNER);
        ToManyData.check("relataLatest", relataLatest(), this.owners, ToManyData.LATEST);
        ToManyData.check("handLatest", handLatest(), this.owners, ToManyData.LATEST);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.pool.disposeLater().block(BenchDb.TIMEOUT);
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<Customer> relataPreload() {
        return this.customers.findAll().preload("orders").flux().collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<Customer> handTwoQueries() {
        return this.hand.twoQueries().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<Customer> relataLatest() {
        return this.customers.findAll()
                .preload("orders", q -> q.orderBy("created_at DESC").limit(ToManyData.LATEST))
                .flux().collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<Customer> handLatest() {
        return this.hand.latest(ToManyData.LATEST).block(BenchDb.TIMEOUT);
    }
}
