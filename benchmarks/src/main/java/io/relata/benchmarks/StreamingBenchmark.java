package io.relata.benchmarks;

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
 * {@code java -Xmx128m -cp benchmarks.jar io.relata.benchmarks.StreamingBenchmark [owners] [rounds]}. Reports
 * throughput (owners/s, best and median of the rounds, the two implementations alternating) and the peak heap used,
 * sampled every 5 ms.
 */
public final class StreamingBenchmark {

    private StreamingBenchmark() {
    }

    public static void main(String[] args) {
        int owners = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
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
        double[][] rate = new double[2][rounds];
        long[][] peak = new long[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 2; i++) {
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
        System.out.printf(Locale.ROOT, "RESULT relata / hand throughput: median %.2f, best %.2f%n",
                relataMedian / handMedian, max(rate[0]) / max(rate[1]));
        pool.disposeLater().block(BenchDb.TIMEOUT);
        relata.close().block(BenchDb.TIMEOUT);
    }

    private static boolean seeded(Relata relata, int owners) {
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

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
