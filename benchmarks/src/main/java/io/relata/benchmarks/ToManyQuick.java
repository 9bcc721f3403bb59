package io.relata.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A quick, noise-tolerant pass over scenario 5 without JMH: the implementations of {@link ToManyBenchmark} (and, on
 * PostgreSQL, the peers of {@link ToManyPeersBenchmark}) run in alternating rounds on the same data, so a busy
 * machine slows them alike, and the ratio to the hand-written baseline is taken per round and reported as a
 * median. For the integrator's full comparison use the JMH classes.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.ToManyQuick postgresql 10000 15
 * </pre>
 *
 * Arguments: the database ({@code postgresql} or {@code h2}), the number of owners, the rounds (after 3 warm-up
 * rounds). {@code -Drelata.bench.relataOnly=true} leaves the peers out (for profiling Relata against the baseline).
 */
public final class ToManyQuick {

    private ToManyQuick() {
    }

    public static void main(String[] args) {
        String db = args.length > 0 ? args[0] : "postgresql";
        int owners = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        ToManyBenchmark relataSide = new ToManyBenchmark();
        relataSide.db = db;
        relataSide.owners = owners;
        relataSide.setup();
        Map<String, Supplier<List<?>>> runs = new LinkedHashMap<>();
        boolean only = Boolean.getBoolean("relata.bench.relataOnly");
        runs.put("handTwoQueries", relataSide::handTwoQueries);
        runs.put("relataPreload", relataSide::relataPreload);
        runs.put("handLatest", relataSide::handLatest);
        runs.put("relataLatest", relataSide::relataLatest);
        ToManyPeersBenchmark peers = null;
        if (BenchDb.of(db).postgres() && !only) {
            peers = new ToManyPeersBenchmark();
            peers.db = db;
            peers.owners = owners;
            // The data ToManyBenchmark seeded.
            peers.open(BenchDb.of(db));
            ToManyPeersBenchmark p = peers;
            runs.put("hibernateJoinFetch", p::hibernateJoinFetch);
            runs.put("hibernateBatchFetch", p::hibernateBatchFetch);
            runs.put("springData", p::springData);
        }
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
        System.out.printf("%s, %,d customers x %d orders, %d rounds (median ms; median of per-round ratios)%n", db,
                owners, ToManyData.PER_OWNER, rounds);
        for (String name : runs.keySet()) {
            String base = name.toLowerCase().contains("latest") ? "handLatest" : "handTwoQueries";
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(millis.get(name).get(i) / millis.get(base).get(i));
            }
            System.out.printf("  %-22s %9.1f ms   %5.2f x %s%n", name, median(millis.get(name)), median(ratios), base);
        }
        relataSide.tearDown();
        if (peers != null) {
            peers.tearDown();
        }
        System.exit(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
