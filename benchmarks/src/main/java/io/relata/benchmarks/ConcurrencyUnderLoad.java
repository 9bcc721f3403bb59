package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.User;
import reactor.core.publisher.Flux;

/**
 * Whether a third preload batch in flight ({@code preloadConcurrency(3)}), faster for one stream alone (PostgreSQL,
 * 10,000 owners: 1.06-1.08 of the hand-written two queries against 1.12-1.14 with the default 2), still pays when
 * several streams share the pools, as in a web application: each extra batch in flight holds one more preload
 * connection. Both settings run the same work in alternating rounds without JMH: {@code 4 x parallel}
 * {@code findAll().preload("creditCard")} streams, {@code parallel} at a time, every owner counted.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.ConcurrencyUnderLoad 10000 4 30
 * </pre>
 *
 * Arguments: the owners, the streams at a time (1 for one stream alone), the rounds (after 3 warm-up rounds).
 * PostgreSQL only: it is where the batches run on connections of their own.
 */
public final class ConcurrencyUnderLoad {

    private ConcurrencyUnderLoad() {
    }

    public static void main(String[] args) {
        int owners = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int streams = 4 * parallel;
        BenchDb bench = BenchDb.of("postgresql");
        Relata seeder = bench.relata();
        if (!StreamingBenchmark.seeded(seeder, owners)) {
            bench.seed(seeder, owners);
        }
        seeder.close().block(BenchDb.TIMEOUT);
        AlternatingRounds alternating = new AlternatingRounds();
        for (int concurrency : new int[] {Relata.DEFAULT_PRELOAD_CONCURRENCY, 3}) {
            Repository<User> users = bench.relata(Relata.DEFAULT_PRELOAD_BATCH_SIZE, concurrency,
                    Relata.DEFAULT_PRELOAD_MAX_BATCH_SIZE).repository(User.class);
            alternating.add("preloadConcurrency" + concurrency, () -> load(users, owners, streams, parallel));
        }
        alternating.run(String.format("postgresql, %,d owners, %d streams, %d at a time", owners, streams,
                parallel), rounds, name -> "preloadConcurrency" + Relata.DEFAULT_PRELOAD_CONCURRENCY);
        System.exit(0);
    }

    private static void load(Repository<User> users, int owners, int streams, int parallel) {
        long expected = (long) streams * owners;
        Long counted = Flux.range(0, streams)
                .flatMap(i -> users.findAll().preload("creditCard").flux()
                        .filter(u -> u.creditCard == null || u.creditCard.userId.equals(u.getId()))
                        .count(), parallel)
                .reduce(0L, Long::sum)
                .block(BenchDb.TIMEOUT);
        if (counted == null || counted != expected) {
            throw new IllegalStateException("expected " + expected + " owners with their own card, got " + counted);
        }
    }
}
