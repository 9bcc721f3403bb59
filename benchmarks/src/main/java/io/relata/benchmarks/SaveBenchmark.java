package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.util.ArrayList;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Flux;

/**
 * Scenario 3: cascaded create of {@code users} new users, each with a new credit card, into empty tables (emptied
 * before every invocation, outside the measurement). Relata {@code saveAll} (one transaction, multi-row inserts
 * level by level) vs one Relata {@code save} per user (each its own transaction) vs hand-written multi-row
 * {@code INSERT ... RETURNING} of 1,000 rows in one transaction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class SaveBenchmark {

    @Param({"postgresql", "h2"})
    public String db;

    @Param({"1000", "10000"})
    public int users;

    BenchDb bench;

    Relata relata;

    Repository<User> repo;

    ConnectionPool pool;

    HandWritten hand;

    List<User> fresh;

    /**
     * Prepares the tables and checks, in this fork, only the method this fork measures (see
     * {@link PreloadBenchmark#setup(BenchmarkParams)}): 10,000 single saves in every fork trained the JIT on a path
     * the fork does not measure.
     *
     * @param params JMH's parameters, naming the method
     */
    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        setup(Check.method(params));
    }

    /** Prepares the tables and checks every implementation (SaveQuick runs them all in one JVM). */
    public void setup() {
        setup("");
    }

    private void setup(String only) {
        this.bench = BenchDb.of(this.db);
        this.relata = this.bench.relata();
        // Companies only: the users link to existing ones (a belongs-to with its key set, nothing to insert).
        this.bench.seed(this.relata, 0);
        this.repo = this.relata.repository(User.class);
        this.pool = this.bench.rawPool();
        this.hand = new HandWritten(this.pool, this.bench.postgres());
        check(only, "relataSaveAll", () -> relataSaveAll());
        check(only, "relataSaveEach", () -> relataSaveEach());
        check(only, "handMultiRowInsert", () -> handMultiRowInsert());
    }

    /** Runs and checks one implementation, unless the fork measures another ({@code only}; empty: every one). */
    private void check(String only, String what, Runnable run) {
        if (!only.isEmpty() && !only.equals(what)) {
            return;
        }
        empty();
        run.run();
        long u = BenchDb.count(this.relata, User.class);
        long c = BenchDb.count(this.relata, CreditCard.class);
        if (u != this.users || c != this.users) {
            throw new IllegalStateException(what + ": " + u + " users and " + c + " cards, expected " + this.users);
        }
        for (User user : this.fresh) {
            if (user.getId() == null || user.creditCard.getId() == null
                    || !user.getId().equals(user.creditCard.userId)) {
                throw new IllegalStateException(what + ": keys not written back");
            }
        }
    }

    /** Empties the tables and builds new, unsaved entities: not measured. */
    @Setup(Level.Invocation)
    public void empty() {
        if (this.bench.postgres()) {
            BenchDb.exec(this.relata, "TRUNCATE credit_cards, users RESTART IDENTITY");
        }
        else {
            BenchDb.exec(this.relata, "DELETE FROM credit_cards");
            BenchDb.exec(this.relata, "DELETE FROM users");
        }
        int companies = BenchDb.companies(0);
        List<User> list = new ArrayList<>(this.users);
        for (int i = 1; i <= this.users; i++) {
            User u = new User("user " + i, (long) (1 + i % companies));
            u.creditCard = new CreditCard(String.format("4%015d", i));
            list.add(u);
        }
        this.fresh = list;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.pool.disposeLater().block(BenchDb.TIMEOUT);
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> relataSaveAll() {
        return this.repo.saveAll(Flux.fromIterable(this.fresh)).collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> relataSaveEach() {
        return Flux.fromIterable(this.fresh).concatMap(this.repo::save).collectList().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> handMultiRowInsert() {
        this.hand.insertUsersWithCards(this.fresh).block(BenchDb.TIMEOUT);
        return this.fresh;
    }
}
