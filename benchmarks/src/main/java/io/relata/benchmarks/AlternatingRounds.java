package io.relata.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The quick, noise-tolerant passes ({@link PreloadQuick}, {@link SaveQuick}, {@link ToManyQuick}): implementations
 * run one after the other in rounds on the same data, so a busy machine slows every implementation of a round alike;
 * each one's ratio to its baseline is taken per round and reported as the median, beside its median time.
 */
final class AlternatingRounds {

    private final Map<String, Runnable> runs = new LinkedHashMap<>();

    private final Runnable beforeEach;

    /**
     * @param beforeEach runs before each timed run, outside the time (emptying tables, say)
     */
    AlternatingRounds(Runnable beforeEach) {
        this.beforeEach = beforeEach;
    }

    AlternatingRounds() {
        this(() -> { });
    }

    /** Adds an implementation; runs keep the order they were added in. */
    AlternatingRounds add(String name, Runnable run) {
        this.runs.put(name, run);
        return this;
    }

    /**
     * Runs 3 warm-up rounds, then {@code rounds} timed ones, and prints a line per implementation.
     *
     * @param title the first line
     * @param rounds timed rounds
     * @param baselineOf the baseline of each implementation (itself for a baseline)
     */
    void run(String title, int rounds, UnaryOperator<String> baselineOf) {
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        this.runs.keySet().forEach(k -> millis.put(k, new ArrayList<>()));
        for (int round = -3; round < rounds; round++) {
            for (Map.Entry<String, Runnable> run : this.runs.entrySet()) {
                this.beforeEach.run();
                long start = System.nanoTime();
                run.getValue().run();
                double ms = (System.nanoTime() - start) / 1e6;
                if (round >= 0) {
                    millis.get(run.getKey()).add(ms);
                }
            }
        }
        System.out.printf("%s, %d rounds (median ms; median of per-round ratios)%n", title, rounds);
        for (String name : this.runs.keySet()) {
            String base = baselineOf.apply(name);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(millis.get(name).get(i) / millis.get(base).get(i));
            }
            System.out.printf("  %-22s %9.1f ms   %5.2f x %s%n", name, median(millis.get(name)), median(ratios), base);
        }
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median of some measurements (the mean of the middle two for an even count); the input is not changed. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
