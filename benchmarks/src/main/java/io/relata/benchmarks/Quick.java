package io.relata.benchmarks;

import java.util.Collection;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmarks' two profiles, each ending with the ratio table of {@link Ratios}.
 *
 * <ul>
 * <li>{@code quick} (about 3 minutes on 2 cores): preload and joins at 10,000 owners on PostgreSQL and H2, and
 * {@code saveAll} of 1,000 users on both, one fork, short iterations, {@code -prof gc}. A check that nothing
 * regressed, not a result to publish: ratios move by ±15% between such runs here.
 * <li>{@code full}: the README's tables: preload and joins at 1,000 / 10,000 / 100,000 owners on both databases,
 * {@code saveAll} at 1,000 / 10,000 users, the to-many preloads, two forks, longer iterations, {@code -prof gc}
 * (about 40 minutes on 2 cores). Run it on an idle machine.
 * </ul>
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.Quick [quick|full]}; the results are also
 * written as JSON to {@code quick.json} or {@code full.json} in the working directory.
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
        ChainedOptionsBuilder options = new OptionsBuilder().addProfiler(GCProfiler.class)
                .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
                .result(profile + ".json");
        switch (profile) {
            case "quick" -> options.include("PreloadBenchmark\\.(relataPreload|relataJoins|handTwoQueries"
                            + "|handLeftJoin)")
                    .include("SaveBenchmark\\.(relataSaveAll|handMultiRowInsert)")
                    .param("owners", "10000")
                    .param("users", "1000")
                    .param("db", "postgresql", "h2")
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                    .forks(1);
            case "full" -> options.include("PreloadBenchmark\\.(relataPreload|relataJoins|handTwoQueries"
                            + "|handLeftJoin)")
                    .include("SaveBenchmark\\.(relataSaveAll|handMultiRowInsert)")
                    .include("ToManyBenchmark")
                    .warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                    .forks(2);
            default -> throw new IllegalArgumentException("Unknown profile " + profile + ": quick or full");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println("Ratios to the hand-written baseline of the same run (time; allocated bytes per op):");
        System.out.print(Ratios.report(results));
    }
}
