package io.relata.benchmarks;

import static io.relata.benchmarks.AlternatingRounds.median;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The targets of issue 12 measured in JMH forks that alternate: for each pair (a Relata method and its hand-written
 * baseline, at one database and size), round after round, one fork of each, the order swapped every round; each
 * round gives one ratio, and the report is the median ratio with the lowest and highest.
 *
 * <p>Why not one JMH run of all methods: JMH runs every fork of a method before the next method, so on a VM whose
 * speed drifts over minutes (this 2-vCPU machine: the hand-written {@code LEFT JOIN} on H2 took 28 ms in one sitting
 * and 58-65 ms the next day, the code unchanged) a method and its baseline are timed minutes apart and their ratio
 * carries the drift. Forks of a pair run back to back here, so a slow spell slows both.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.Paired [rounds] [warm-up s] [filter]}
 * (defaults 3 rounds, 15 x 1 s warm-up then 5 x 1 s measured per fork, {@code -prof gc}); {@code filter}, a regular
 * expression found in the name (parameters in name order, for example
 * {@code PreloadBenchmark.relataPreload / handTwoQueries {db=postgresql, owners=10000}}), keeps the
 * pairs it is found in (for example {@code postgresql}, or {@code owners=10000\}|SaveBenchmark.*h2}). About 2 x 25 s per pair and round.
 */
public final class Paired {

    private Paired() {
    }

    /** One comparison: the class, the Relata method, its baseline, and the fixed parameters. */
    record Pair(String benchmark, String relata, String baseline, Map<String, String> params) {

        String name() {
            // sorted, so a filter can rely on the order (Map.of's iteration order changes from one JVM to the next)
            return this.benchmark + "." + this.relata + " / " + this.baseline + " " + new TreeMap<>(this.params);
        }
    }

    /** The pairs of the targets. */
    static List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (String db : List.of("postgresql", "h2")) {
            for (String owners : List.of("10000", "100000")) {
                pairs.add(new Pair("PreloadBenchmark", "relataPreload", "handTwoQueries",
                        Map.of("db", db, "owners", owners)));
                pairs.add(new Pair("PreloadBenchmark", "relataJoins", "handLeftJoin",
                        Map.of("db", db, "owners", owners)));
            }
            pairs.add(new Pair("SaveBenchmark", "relataSaveAll", "handMultiRowInsert",
                    Map.of("db", db, "users", "10000")));
        }
        return pairs;
    }

    /**
     * Runs the pairs.
     *
     * @param args rounds, warm-up seconds, name filter
     * @throws RunnerException when JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String filter = args.length > 2 ? args[2] : "";
        Map<Pair, List<double[]>> measured = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Pair pair : pairs()) {
                if (!Pattern.compile(filter).matcher(pair.name()).find()) {
                    continue;
                }
                boolean baselineFirst = round % 2 == 0;
                RunResult first = run(pair, baselineFirst ? pair.baseline() : pair.relata(), warmup);
                RunResult second = run(pair, baselineFirst ? pair.relata() : pair.baseline(), warmup);
                RunResult relata = baselineFirst ? second : first;
                RunResult base = baselineFirst ? first : second;
                measured.computeIfAbsent(pair, p -> new ArrayList<>()).add(new double[] {
                        relata.getPrimaryResult().getScore(), base.getPrimaryResult().getScore(),
                        allocation(relata) / allocation(base)});
                System.out.println();
                System.out.print(report(measured));
            }
        }
    }

    private static RunResult run(Pair pair, String method, int warmup) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include("io\\.relata\\.benchmarks\\." + pair.benchmark() + "\\." + method + "$")
                .addProfiler(GCProfiler.class)
                .warmupIterations(warmup).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .forks(1);
        pair.params().forEach((k, v) -> options.param(k, v));
        Options built = options.build();
        return new Runner(built).run().iterator().next();
    }

    private static double allocation(RunResult result) {
        Result<?> r = result.getSecondaryResults().get("gc.alloc.rate.norm");
        return r == null ? Double.NaN : r.getScore();
    }

    /** One line per pair: median ratio (lowest-highest), the rounds' ratios, median times, median allocation ratio. */
    static String report(Map<Pair, List<double[]>> measured) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-95s %6s %13s %8s %8s %6s  %s%n",
                "pair (Relata / baseline, parameters)", "ratio", "range", "Relata", "base", "alloc", "rounds"));
        for (Map.Entry<Pair, List<double[]>> e : measured.entrySet()) {
            List<double[]> rounds = e.getValue();
            double[] ratios = rounds.stream().mapToDouble(r -> r[0] / r[1]).toArray();
            StringBuilder each = new StringBuilder();
            for (double ratio : ratios) {
                each.append(String.format(Locale.ROOT, "%.2f ", ratio));
            }
            out.append(String.format(Locale.ROOT, "%-95s %6.2f %6.2f-%-6.2f %8.2f %8.2f %6.2f  %s%n",
                    e.getKey().name(), median(ratios), Arrays.stream(ratios).min().orElseThrow(),
                    Arrays.stream(ratios).max().orElseThrow(),
                    median(rounds.stream().mapToDouble(r -> r[0]).toArray()),
                    median(rounds.stream().mapToDouble(r -> r[1]).toArray()),
                    median(rounds.stream().mapToDouble(r -> r[2]).toArray()), each.toString().trim()));
        }
        return out.toString();
    }
}
