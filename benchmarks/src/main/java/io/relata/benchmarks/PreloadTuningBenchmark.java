package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import io.relata.preload.BatchPreload;
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
 * Chooses {@code preloadBatchSize}, the preload concurrency and how far batches grow ({@code maxBatchSize}). {@code relataPreload} is the real
 * {@code findAll().preload("creditCard")} with {@code Relata.builder(...).preloadBatchSize(batchSize)
 * .preloadConcurrency(concurrency)}. {@code operatorPreload} wires the same {@link BatchPreload} operator Relata
 * uses, with Relata queries as the fetcher ({@code where("user_id = ANY(?)", Long[])} on PostgreSQL).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class PreloadTuningBenchmark {

    @Param({"postgresql"})
    public String db;

    @Param({"10000", "100000"})
    public int owners;

    @Param({"250", "500", "1000", "2000", "5000"})
    public int batchSize;

    @Param({"2"})
    public int concurrency;

    /** {@code preloadMaxBatchSize}: batches grow from {@code batchSize} to it; 0, no growth. */
    @Param({"0"})
    public int maxBatchSize;

    Relata relata;

    Repository<User> users;

    Repository<CreditCard> cards;

    boolean postgres;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        this.postgres = bench.postgres();
        this.relata = bench.relata(this.batchSize, this.concurrency, this.maxBatchSize);
        bench.seed(this.relata, this.owners);
        this.users = this.relata.repository(User.class);
        this.cards = this.relata.repository(CreditCard.class);
        Check.users("relataPreload", relataPreload(), this.owners);
        Check.users("operatorPreload", operatorPreload(), this.owners);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> relataPreload() {
        return this.users.findAll().preload("creditCard").flux().collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> operatorPreload() {
        BatchPreload<User, Long, CreditCard> preload = BatchPreload.<User, Long, CreditCard>builder()
                .ownerKey(User::getId)
                .valueKey(c -> c.userId)
                .setter((u, c) -> u.creditCard = c)
                .fetcher(keys -> this.postgres
                        ? this.cards.where("user_id = ANY(?)", (Object) keys.toArray(new Long[0])).flux()
                        : this.cards.where("user_id IN (" + "?,".repeat(keys.size() - 1) + "?)", keys.toArray()).flux())
                .batchSize(this.batchSize)
                .concurrency(this.concurrency)
                .build();
        return this.users.findAll().flux().transform(preload).collectList().block(BenchDb.TIMEOUT);
    }
}
