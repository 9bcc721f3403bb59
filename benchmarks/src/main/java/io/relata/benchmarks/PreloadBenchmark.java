package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.User;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Scenario 1: all users with their has-one credit card, as a list. Relata {@code preload} and {@code joins} against
 * the best hand-written R2DBC: two queries (owners, then the cards of all their keys in one key-set statement) and
 * one {@code LEFT JOIN}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class PreloadBenchmark {

    @Param({"postgresql", "h2"})
    public String db;

    @Param({"1000", "10000", "100000"})
    public int owners;

    Relata relata;

    Repository<User> users;

    ConnectionPool pool;

    HandWritten hand;

    /**
     * Seeds the data and checks, in this fork, only the method this fork measures: running the other implementations
     * here (100,000 rows each at the largest size) trains the JIT on their call paths too, which moved Relata's
     * {@code joins} at 100,000 owners on PostgreSQL from 0.95 to 1.12 of the hand-written join in one JVM. Each
     * method is still checked, in its own forks.
     *
     * @param params JMH's parameters, naming the method
     */
    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        setup(Check.method(params));
    }

    /** Seeds the data and checks every implementation (the alternating-rounds mains run them all in one JVM). */
    public void setup() {
        setup("");
    }

    private void setup(String only) {
        BenchDb bench = BenchDb.of(this.db);
        this.relata = bench.relata();
        bench.seed(this.relata, this.owners);
        this.users = this.relata.repository(User.class);
        this.pool = bench.rawPool();
        this.hand = new HandWritten(this.pool, bench.postgres());
        check(only, "relataPreload", this::relataPreload);
        check(only, "relataJoins", this::relataJoins);
        check(only, "handTwoQueries", this::handTwoQueries);
        check(only, "handLeftJoin", this::handLeftJoin);
    }

    /** Runs and checks one implementation, unless the fork measures another ({@code only}; empty: every one). */
    private void check(String only, String method, Supplier<List<User>> run) {
        if (only.isEmpty() || only.equals(method)) {
            Check.users(method, run.get(), this.owners);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.pool.disposeLater().block(BenchDb.TIMEOUT);
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> relataPreload() {
        return this.users.findAll().preload("creditCard").flux().collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> relataJoins() {
        return this.users.findAll().joins("creditCard").flux().collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> handTwoQueries() {
        return this.hand.twoQueries().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> handLeftJoin() {
        return this.hand.leftJoin().block(BenchDb.TIMEOUT);
    }
}
