package io.relata.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns JMH results into the tables of benchmarks/README.md: each Relata (or peer) method's time as a ratio to the
 * hand-written baseline of the same class (the peers of scenario 2: of {@link PreloadBenchmark}), parameters and run,
 * with the allocation ratio where {@code -prof gc} ran.
 * The baseline of a method is {@link #baselineOf(String)}: {@code handLeftJoin} for joins, the class's first
 * {@code hand*} method otherwise.
 */
final class Ratios {

    private Ratios() {
    }

    /** The baseline a method is compared with. */
    static String baselineOf(String method) {
        if (method.endsWith("Joins")) {
            return "handLeftJoin";
        }
        if (method.endsWith("Latest")) {
            return "handLatest";
        }
        if (method.startsWith("relataSave")) {
            return "handMultiRowInsert";
        }
        return "handTwoQueries";
    }

    /**
     * Prints one line per benchmark, parameters and method: mean time ± error, and the ratios of time and allocated
     * bytes per operation to its baseline.
     *
     * @param results the results of one run
     * @return the report
     */
    static String report(Collection<RunResult> results) {
        // class + params -> method -> result
        Map<String, Map<String, RunResult>> groups = new TreeMap<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String name = p.getBenchmark();
            String cls = name.substring(0, name.lastIndexOf('.'));
            String method = name.substring(name.lastIndexOf('.') + 1);
            StringBuilder key = new StringBuilder(family(cls.substring(cls.lastIndexOf('.') + 1)));
            for (String k : p.getParamsKeys()) {
                key.append(' ').append(k).append('=').append(p.getParam(k));
            }
            groups.computeIfAbsent(key.toString(), x -> new LinkedHashMap<>()).put(method, r);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-55s %-20s %14s %9s %9s%n", "benchmark and parameters", "method",
                "ms/op", "ratio", "alloc"));
        for (Map.Entry<String, Map<String, RunResult>> group : groups.entrySet()) {
            List<String> methods = new ArrayList<>(group.getValue().keySet());
            methods.sort(String::compareTo);
            for (String method : methods) {
                Result<?> time = group.getValue().get(method).getPrimaryResult();
                RunResult base = group.getValue().get(baselineOf(method));
                String ratio = "";
                String alloc = "";
                if (base != null && !method.startsWith("hand")) {
                    ratio = String.format(Locale.ROOT, "%.2f", time.getScore() / base.getPrimaryResult().getScore());
                    Double mine = allocation(group.getValue().get(method));
                    Double theirs = allocation(base);
                    if (mine != null && theirs != null) {
                        alloc = String.format(Locale.ROOT, "%.2f", mine / theirs);
                    }
                }
                out.append(String.format(Locale.ROOT, "%-55s %-20s %8.2f ±%5.1f %9s %9s%n", group.getKey(), method,
                        time.getScore(), time.getScoreError(), ratio, alloc));
            }
        }
        return out.toString();
    }

    /** The peers of scenario 2 are compared with the hand-written code of scenario 1, run beside them. */
    private static String family(String benchmarkClass) {
        return switch (benchmarkClass) {
            case "HibernateReactiveBenchmark", "SpringDataBenchmark" -> "PreloadBenchmark";
            default -> benchmarkClass;
        };
    }

    private static Double allocation(RunResult result) {
        Result<?> r = result.getSecondaryResults().get("gc.alloc.rate.norm");
        return r == null ? null : r.getScore();
    }
}
