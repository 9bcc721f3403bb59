package io.relata.benchmarks;

import static org.springframework.data.relational.core.query.Criteria.where;
import static org.springframework.data.relational.core.query.Query.query;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.benchmarks.peers.SdCreditCard;
import io.relata.benchmarks.peers.SdUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Scenario 2, Spring Data R2DBC 3.5: it has no relationships, so the user writes the preload by hand with
 * {@link R2dbcEntityTemplate}: select the users, collect their keys, select the cards with
 * {@code where("user_id").in(keys)} in chunks of 10,000 (Spring expands a collection into one bind per element and
 * PostgreSQL refuses more than 65,535 binds), stitch through a map. Same pool (binary rows on PostgreSQL where the
 * driver uses the extended protocol) and same data set as the other scenarios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
public class SpringDataBenchmark {

    static final int IN_CHUNK = 10_000;

    @Param({"postgresql", "h2"})
    public String db;

    @Param({"1000", "10000", "100000"})
    public int owners;

    Relata relata;

    ConnectionPool pool;

    R2dbcEntityTemplate template;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        this.relata = bench.relata();
        bench.seed(this.relata, this.owners);
        this.pool = bench.rawPool();
        this.template = new R2dbcEntityTemplate(this.pool);
        Check.owners("springData", springDataTemplate(), this.owners, u -> u.id,
                u -> u.creditCard == null ? null : u.creditCard.userId);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.pool.disposeLater().block(BenchDb.TIMEOUT);
        this.relata.close().block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public List<SdUser> springDataTemplate() {
        return this.template.select(SdUser.class)
                .matching(query(where("deleted_at").isNull()))
                .all()
                .collectList()
                .flatMap(users -> {
                    List<List<Long>> chunks = new ArrayList<>();
                    for (int from = 0; from < users.size(); from += IN_CHUNK) {
                        List<Long> keys = new ArrayList<>(IN_CHUNK);
                        for (SdUser u : users.subList(from, Math.min(users.size(), from + IN_CHUNK))) {
                            keys.add(u.id);
                        }
                        chunks.add(keys);
                    }
                    Mono<Map<Long, SdCreditCard>> cards = Flux.fromIterable(chunks)
                            .concatMap(keys -> this.template.select(SdCreditCard.class)
                                    .matching(query(where("user_id").in(keys).and("deleted_at").isNull()))
                                    .all())
                            .collectMap(c -> c.userId);
                    return cards.map(byUser -> {
                        for (SdUser u : users) {
                            u.creditCard = byUser.get(u.id);
                        }
                        return users;
                    });
                })
                .block(BenchDb.TIMEOUT);
    }
}
