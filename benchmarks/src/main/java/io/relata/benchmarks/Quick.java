package io.relata.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmarks' two profiles, each ending with the ratio table of {@link Ratios}.
 *
 * <ul>
 * <li>{@code quick} (about 3 minutes on 2 cores): preload and joins at 10,000 owners on PostgreSQL and H2, and
 * {@code saveAll} of 1,000 users on both, one fork, short iterations, {@code -prof gc}. A check that nothing
 * regressed, not a result to publish: with 6 s of warm-up Relata is not fully compiled yet (its ratios read 10-30%
 * high against the full profile's) and runs move by ±15% here.
 * <li>{@code full}: the README's tables: preload and joins at 1,000 / 10,000 / 100,000 owners and {@code saveAll}
 * at 1,000 / 10,000 users on both databases (two forks), Hibernate Reactive and Spring Data R2DBC beside the
 * hand-written baseline at 10,000 owners, the to-many preloads (one fork), {@code -prof gc} (about 80 minutes on 2
 * cores). Run it on an idle machine.
 * </ul>
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.Quick [quick|full]}; the results are also
 * written as JSON to {@code quick.json} or {@code full-1.json} ... {@code full-3.json} in the working directory.
 */
public final class Quick {

    private Quick() {
    }

    /**
     * Runs a profile.
     *
     * @param args {@code quick} (the default) or {@code full}
     * @throws RunnerException when JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        String profile = args.length > 0 ? args[0] : "quick";
        List<Options> runs = switch (profile) {
            case "quick" -> List.of(base(profile)
                    .include("PreloadBenchmark\\.(relataPreload|relataJoins|handTwoQueries|handLeftJoin)")
                    .include("SaveBenchmark\\.(relataSaveAll|handMultiRowInsert)")
                    .param("owners", "10000")
                    .param("users", "1000")
                    .param("db", "postgresql", "h2")
                    .warmupIterations(6).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                    .forks(1)
                    .build());
            case "full" -> List.of(
                    base(profile + "-1")
                            .include("PreloadBenchmark\\.(relataPreload|relataJoins|handTwoQueries|handLeftJoin)")
                            .include("SaveBenchmark\\.(relataSaveAll|handMultiRowInsert)")
                            // 15 s: Relata's deeper call paths need about that much C2 warm-up on 2 cores; after 4 s
                            // its preload and joins at 10,000 owners ran at 1.42 and 1.55 of hand-written, after 15 s
                            // at 1.17 and 1.19 (the hand-written code's times did not change).
                            .warmupIterations(15).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                            .forks(2)
                            .build(),
                    // The peers beside the baseline they are compared with, at 10,000 owners.
                    base(profile + "-2")
                            .include("PreloadBenchmark\\.handTwoQueries")
                            .include("HibernateReactiveBenchmark")
                            .include("SpringDataBenchmark")
                            .param("db", "postgresql")
                            .param("owners", "10000")
                            .warmupIterations(15).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(4).measurementTime(TimeValue.seconds(2))
                            .forks(1)
                            .build(),
                    base(profile + "-3")
                            .include("ToManyBenchmark")
                            .warmupIterations(15).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(4).measurementTime(TimeValue.seconds(2))
                            .forks(1)
                            .build());
            default -> throw new IllegalArgumentException("Unknown profile " + profile + ": quick or full");
        };
        List<RunResult> results = new ArrayList<>();
        for (Options run : runs) {
            results.addAll(new Runner(run).run());
        }
        System.out.println();
        System.out.println("Ratios to the hand-written baseline of the same run (time; allocated bytes per op):");
        System.out.print(Ratios.report(results));
    }

    private static ChainedOptionsBuilder base(String name) {
        return new OptionsBuilder().addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(name + ".json");
    }
}
