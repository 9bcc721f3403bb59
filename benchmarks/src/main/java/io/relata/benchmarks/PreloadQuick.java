package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.User;
import java.util.List;
import java.util.function.Supplier;

/**
 * A quick, noise-tolerant pass over scenario 1 without JMH: the methods of {@link PreloadBenchmark} run in
 * alternating rounds on the same data, so a busy machine slows them alike, and each method's ratio to its
 * hand-written baseline ({@link Ratios#baselineOf(String)}) is taken per round and reported as a median. Beside them,
 * {@code relataPreloadFixed}: the same preload with every batch at 1,000 owners ({@code preloadBatchSize(1000)} set
 * explicitly, so no growth), which shows what growing batches bring.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.PreloadQuick postgresql 10000 15
 * </pre>
 *
 * Arguments: the database ({@code postgresql} or {@code h2}), the number of owners, the rounds (after 3 warm-up
 * rounds).
 */
public final class PreloadQuick {

    private PreloadQuick() {
    }

    public static void main(String[] args) {
        String db = args.length > 0 ? args[0] : "postgresql";
        int owners = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        PreloadBenchmark bench = new PreloadBenchmark();
        bench.db = db;
        bench.owners = owners;
        bench.setup();
        Relata fixed = BenchDb.of(db).relata(Relata.DEFAULT_PRELOAD_BATCH_SIZE);
        Repository<User> fixedUsers = fixed.repository(User.class);
        Supplier<List<?>> fixedPreload = () -> fixedUsers.findAll().preload("creditCard").flux().collectList()
                .block(BenchDb.TIMEOUT);
        Check.users("relataPreloadFixed", fixedUsers.findAll().preload("creditCard").flux().collectList()
                .block(BenchDb.TIMEOUT), owners);
        new AlternatingRounds()
                .add("handTwoQueries", bench::handTwoQueries)
                .add("relataPreload", bench::relataPreload)
                .add("relataPreloadFixed", fixedPreload::get)
                .add("handLeftJoin", bench::handLeftJoin)
                .add("relataJoins", bench::relataJoins)
                .run(String.format("%s, %,d users with their card", db, owners), rounds,
                        name -> name.startsWith("hand") ? name : Ratios.baselineOf(name.replace("Fixed", "")));
        fixed.close().block(BenchDb.TIMEOUT);
        bench.tearDown();
        System.exit(0);
    }
}
