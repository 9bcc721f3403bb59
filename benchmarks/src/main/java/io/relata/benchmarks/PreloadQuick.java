package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, Supplier<List<?>>> runs = new LinkedHashMap<>();
        runs.put("handTwoQueries", bench::handTwoQueries);
        runs.put("relataPreload", bench::relataPreload);
        runs.put("relataPreloadFixed", fixedPreload);
        runs.put("handLeftJoin", bench::handLeftJoin);
        runs.put("relataJoins", bench::relataJoins);
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        runs.keySet().forEach(k -> millis.put(k, new ArrayList<>()));
        for (int round = -3; round < rounds; round++) {
            for (Map.Entry<String, Supplier<List<?>>> run : runs.entrySet()) {
                long start = System.nanoTime();
                run.getValue().get();
                double ms = (System.nanoTime() - start) / 1e6;
                if (round >= 0) {
                    millis.get(run.getKey()).add(ms);
                }
            }
        }
        System.out.printf("%s, %,d users with their card, %d rounds (median ms; median of per-round ratios)%n", db,
                owners, rounds);
        for (String name : runs.keySet()) {
            String base = name.startsWith("hand") ? name : Ratios.baselineOf(name.replace("Fixed", ""));
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(millis.get(name).get(i) / millis.get(base).get(i));
            }
            System.out.printf("  %-22s %9.1f ms   %5.2f x %s%n", name, median(millis.get(name)), median(ratios), base);
        }
        fixed.close().block(BenchDb.TIMEOUT);
        bench.tearDown();
        System.exit(0);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
