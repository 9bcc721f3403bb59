package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.time.Duration;
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
 * What the scale-out routes cost (docs/scale-out.md): the same reads straight to the primary, to the primary
 * without the driver's prepared-statement cache ({@code preparedStatementCacheQueries=0}, what PgBouncer needs),
 * through PgBouncer in transaction pooling, through pgpool-II, and through Relata's own replica routing.
 *
 * <p>Needs the replica set of {@code scripts/pg-replicas.sh up} (primary 5441, replicas 5442/5443, PgBouncer 6432,
 * pgpool-II 9999, database {@code relata}); the data set is seeded on the primary and read once the replicas have
 * it. {@code findById} is a short point read, where statement preparation weighs most; {@code preload} is 1,000
 * users with their card (two statements).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class ScaleOutBenchmark {

    private static final String HOST = "r2dbc:postgresql://postgres@127.0.0.1:";

    private static final int OWNERS = 1000;

    @Param({"primary", "primaryUnnamed", "pgbouncer", "pgpool", "replicas"})
    public String route;

    Relata relata;

    Repository<User> users;

    long next;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.forUrl(HOST + "5441/relata");
        Relata primary = bench.relata();
        try {
            bench.seed(primary, OWNERS);
            // pgpool-II and the replica route read on the replicas: wait until they have every card.
            for (int port : new int[] {5442, 5443}) {
                awaitCards(HOST + port + "/relata");
            }
        }
        finally {
            primary.close().block(BenchDb.TIMEOUT);
        }
        this.relata = switch (this.route) {
            case "primary" -> Relata.connect(HOST + "5441/relata");
            case "primaryUnnamed" -> Relata.connect(HOST + "5441/relata?preparedStatementCacheQueries=0");
            case "pgbouncer" -> Relata.connect(HOST + "6432/relata?preparedStatementCacheQueries=0");
            case "pgpool" -> Relata.connect(HOST + "9999/relata");
            case "replicas" -> Relata.builder(HOST + "5441/relata")
                    .replicas(HOST + "5442/relata", HOST + "5443/relata").build();
            default -> throw new IllegalArgumentException("route: " + this.route);
        };
        this.users = this.relata.repository(User.class);
        Check.users(this.route + " preload", preload(), OWNERS);
        if (findById() == null) {
            throw new IllegalStateException(this.route + ": findById found nothing");
        }
    }

    private static void awaitCards(String url) {
        Relata replica = Relata.connect(url);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                Long cards = replica.repository(CreditCard.class).findAll().count()
                        .onErrorReturn(-1L).block(BenchDb.TIMEOUT);
                if (cards != null && cards == BenchDb.expectedCards(OWNERS)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(url + " has " + cards + " cards after 60 s");
                }
                Thread.sleep(50);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        finally {
            replica.close().block(BenchDb.TIMEOUT);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public User findById() {
        this.next = this.next % OWNERS + 1;
        return this.users.findById(this.next).block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<User> preload() {
        return this.users.findAll().preload("creditCard").flux().collectList().block(BenchDb.TIMEOUT);
    }
}
