package io.relata.benchmarks;

import static io.relata.benchmarks.AlternatingRounds.median;

import io.r2dbc.pool.ConnectionPool;
import io.relata.Relata;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * Scenario 4: streams 1,000,000 owners with their preloaded has-one in a small heap, Relata
 * ({@code findAll().preload("creditCard")}: owners on one pooled connection, each batch's cards on a second) against
 * the same written by hand on the raw driver (owners streamed on one connection, each batch of 1,000 keys bound as
 * one array on a second). Nothing is retained: each owner is checked and counted as it passes.
 *
 * <p>Run in the heap under test, PostgreSQL only (an in-memory H2 database lives in the same heap):
 * {@code java -Xmx128m -cp benchmarks.jar io.relata.benchmarks.StreamingBenchmark [owners] [rounds] [warm-up rounds]}
 * (defaults 1,000,000, 3 and 2). Reports throughput (owners/s, best and median of the measured rounds, the two
 * implementations alternating, which goes first swapped every round), the median of the rounds' ratios, and the peak
 * heap used, sampled every 5 ms.
 */
public final class StreamingBenchmark {

    private StreamingBenchmark() {
    }

    public static void main(String[] args) {
        int owners = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // Warm-up rounds, not counted, as JMH's warm-up iterations: Relata's deeper call paths are still being
        // compiled during the first streams (first round 0.76 of hand-written, third 0.93, in one run).
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String db = System.getProperty("relata.bench.db", "postgresql");
        System.out.printf(Locale.ROOT, "max heap %d MiB, %d owners, %d rounds, %d cores%n",
                Runtime.getRuntime().maxMemory() >> 20, owners, rounds, Runtime.getRuntime().availableProcessors());
        BenchDb bench = BenchDb.of(db);
        Relata relata = bench.relata();
        if (!seeded(relata, owners)) {
            long t = System.nanoTime();
            bench.seed(relata, owners);
            System.out.printf(Locale.ROOT, "seeded in %.1f s%n", (System.nanoTime() - t) / 1e9);
        }
        ConnectionPool pool = bench.rawPool();
        HandWritten hand = new HandWritten(pool, bench.postgres());
        Supplier<Flux<User>> relataStream = () -> relata.repository(User.class).findAll().preload("creditCard").flux();
        Supplier<Flux<User>> handStream = () -> hand.stream(Relata.DEFAULT_PRELOAD_BATCH_SIZE);
        for (int w = 0; w < warmups; w++) {
            for (int i = 0; i < 2; i++) {
                long[] result = run(i == 0 ? relataStream : handStream, owners);
                System.out.printf(Locale.ROOT, "warm-up %d %-6s %,10d owners/s%n", w + 1, i == 0 ? "relata" : "hand",
                        result[0]);
            }
        }
        double[][] rate = new double[2][rounds];
        long[][] peak = new long[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                // Alternating which goes first, so neither always follows the other's garbage.
                int i = (j + r) % 2;
                String name = i == 0 ? "relata" : "hand";
                long[] result = run(i == 0 ? relataStream : handStream, owners);
                rate[i][r] = result[0];
                peak[i][r] = result[1];
                System.out.printf(Locale.ROOT, "round %d %-6s %,10d owners/s, peak heap used %4d MiB%n", r + 1, name,
                        result[0], result[1] >> 20);
            }
        }
        double relataMedian = median(rate[0]);
        double handMedian = median(rate[1]);
        System.out.printf(Locale.ROOT, "%nRESULT relata median %,.0f owners/s (best %,.0f), peak heap %d MiB%n",
                relataMedian, max(rate[0]), Arrays.stream(peak[0]).max().getAsLong() >> 20);
        System.out.printf(Locale.ROOT, "RESULT hand   median %,.0f owners/s (best %,.0f), peak heap %d MiB%n",
                handMedian, max(rate[1]), Arrays.stream(peak[1]).max().getAsLong() >> 20);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = rate[0][r] / rate[1][r];
        }
        System.out.printf(Locale.ROOT, "RESULT relata / hand throughput: median of the rounds' ratios %.2f (lowest %.2f,"
                + " highest %.2f), ratio of the best rounds %.2f%n", median(ratios), Arrays.stream(ratios).min()
                .orElse(0), max(ratios), max(rate[0]) / max(rate[1]));
        pool.disposeLater().block(BenchDb.TIMEOUT);
        relata.close().block(BenchDb.TIMEOUT);
    }

    /** Whether the tables already hold {@code owners} seeded owners and their cards (seeding 1,000,000 takes 13 s). */
    static boolean seeded(Relata relata, int owners) {
        try {
            return BenchDb.count(relata, User.class) == owners
                    && BenchDb.count(relata, CreditCard.class) == BenchDb.expectedCards(owners);
        }
        catch (RuntimeException e) {
            return false;
        }
    }

    /** @return owners per second and the peak heap used */
    private static long[] run(Supplier<Flux<User>> stream, int owners) {
        System.gc();
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap.add(pool);
            }
        }
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean pool : heap) {
                    used += pool.getUsage().getUsed();
                }
                peak.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(5);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long[] seen = new long[2];
        long t = System.nanoTime();
        stream.get().doOnNext(u -> {
            seen[0]++;
            if (u.creditCard != null) {
                if (!u.getId().equals(u.creditCard.userId)) {
                    throw new IllegalStateException("user " + u.getId() + " got the card of " + u.creditCard.userId);
                }
                seen[1]++;
            }
        }).then().block(BenchDb.TIMEOUT);
        long nanos = System.nanoTime() - t;
        sampler.interrupt();
        if (seen[0] != owners || seen[1] != BenchDb.expectedCards(owners)) {
            throw new IllegalStateException("streamed " + seen[0] + " owners, " + seen[1] + " with cards; expected "
                    + owners + " and " + BenchDb.expectedCards(owners));
        }
        return new long[] {Math.round(owners / (nanos / 1e9)), peak.get()};
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
