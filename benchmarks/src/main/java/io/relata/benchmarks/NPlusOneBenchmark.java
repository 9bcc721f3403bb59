package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
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
 * Scenario 1, naive N+1 at 1,000 owners: the loop preload replaces (the owners, then one card query per owner,
 * one after the other, written with Relata's own API) next to Relata's preload and the hand-written two queries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class NPlusOneBenchmark {

    @Param({"postgresql", "h2"})
    public String db;

    @Param({"1000"})
    public int owners;

    Relata relata;

    Repository<User> users;

    Repository<CreditCard> cards;

    ConnectionPool pool;

    HandWritten hand;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        this.relata = bench.relata();
        bench.seed(this.relata, this.owners);
        this.users = this.relata.repository(User.class);
        this.cards = this.relata.repository(CreditCard.class);
        this.pool = bench.rawPool();
        this.hand = new HandWritten(this.pool, bench.postgres());
        Check.users("relataPreload", relataPreload(), this.owners);
        Check.users("nPlusOne", nPlusOne(), this.owners);
        Check.users("handTwoQueries", handTwoQueries(), this.owners);
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
    public List<User> nPlusOne() {
        return this.users.findAll().flux().collectList()
                .flatMapMany(list -> reactor.core.publisher.Flux.fromIterable(list))
                .concatMap(u -> this.cards.where("user_id = ?", u.getId()).flux().next()
                        .doOnNext(card -> u.creditCard = card)
                        .thenReturn(u))
                .collectList()
                .block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> handTwoQueries() {
        return this.hand.twoQueries().block(BenchDb.TIMEOUT);
    }
}
