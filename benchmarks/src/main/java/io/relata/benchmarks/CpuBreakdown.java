package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.relata.Relata;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.io.File;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;

/**
 * Where the CPU goes, by thread, per operation: the process's CPU time, each thread group's (event loops, the JIT's
 * compiler threads, the garbage collector's threads, read from {@code /proc/self/task}, so threads the JVM does not
 * list count too), the collector's pause time and the bytes allocated. On this 2-core machine the database server
 * runs beside the benchmark, so CPU, not waiting, bounds the throughput, and a wall-clock ratio alone does not say
 * which side to look at. Linux only.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.CpuBreakdown preload postgresql 10000 60
 * java -Xmx128m -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.CpuBreakdown stream postgresql 1000000 4
 * </pre>
 *
 * <p>{@code preload}: the four methods of {@link PreloadBenchmark} (Relata's preload and joins, their hand-written
 * baselines), each warmed up with as many operations as measured, per operation. {@code stream}: scenario 4's two
 * streams (Relata's preload, the hand-written one) and, to separate reading from preloading, the owners alone and the
 * cards alone, each read by hand and by Relata; per owner. Arguments: the mode, the database, the owners, the rounds.
 */
public final class CpuBreakdown {

    private CpuBreakdown() {
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "preload";
        String db = args.length > 1 ? args[1] : "postgresql";
        int owners = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Map<String, Runnable> runs = new LinkedHashMap<>();
        int per;
        if (mode.equals("stream")) {
            BenchDb bench = BenchDb.of(db);
            Relata relata = bench.relata();
            if (!StreamingBenchmark.seeded(relata, owners)) {
                bench.seed(relata, owners);
            }
            ConnectionPool pool = bench.rawPool();
            HandWritten hand = new HandWritten(pool, bench.postgres());
            runs.put("handStream", () -> count(hand.stream(Relata.DEFAULT_PRELOAD_BATCH_SIZE)));
            runs.put("relataStream", () -> count(relata.repository(User.class).findAll().preload("creditCard").flux()));
            runs.put("handOwnersOnly", () -> count(Flux.usingWhen(pool.create(), hand::users, Connection::close)));
            runs.put("relataOwnersOnly", () -> count(relata.repository(User.class).findAll().flux()));
            runs.put("relataCardsOnly", () -> count(relata.repository(CreditCard.class).findAll().flux()));
            per = owners;
        }
        else {
            PreloadBenchmark bench = new PreloadBenchmark();
            bench.db = db;
            bench.owners = owners;
            bench.setup();
            runs.put("handTwoQueries", bench::handTwoQueries);
            runs.put("relataPreload", bench::relataPreload);
            runs.put("handLeftJoin", bench::handLeftJoin);
            runs.put("relataJoins", bench::relataJoins);
            per = 1;
        }
        String unit = per == 1 ? "ms per operation" : "us per owner";
        double scale = per == 1 ? 1e6 : 1e3 * per;
        System.out.printf(Locale.ROOT, "%s, %s, %,d owners, %d rounds; %s%n", mode, db, owners, rounds, unit);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        for (Map.Entry<String, Runnable> run : runs.entrySet()) {
            for (int i = 0; i < rounds; i++) {
                run.getValue().run();
            }
            long gc = gcMillis();
            long bytes = allocated();
            Map<String, Long> threads = threadTicks();
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                run.getValue().run();
            }
            wall = System.nanoTime() - wall;
            cpu = os.getProcessCpuTime() - cpu;
            StringBuilder groups = new StringBuilder();
            long nanosPerTick = 10_000_000L;
            for (Map.Entry<String, Long> group : threadTicks().entrySet()) {
                long ticks = group.getValue() - threads.getOrDefault(group.getKey(), 0L);
                double value = ticks * nanosPerTick / scale / rounds;
                if (value >= 0.01 * cpu / scale / rounds) {
                    groups.append(String.format(Locale.ROOT, "  %s %.2f", group.getKey(), value));
                }
            }
            System.out.printf(Locale.ROOT, "%-17s wall %7.2f  cpu %7.2f  gc pauses %5.2f  allocated %6.1f %s |%s%n",
                    run.getKey(), wall / scale / rounds, cpu / scale / rounds, (gcMillis() - gc) * 1e6 / scale / rounds,
                    (allocated() - bytes) / (per == 1 ? 1e6 : (double) per) / rounds, per == 1 ? "MB" : "B ", groups);
        }
        System.exit(0);
    }

    private static void count(Flux<?> stream) {
        stream.count().block(BenchDb.TIMEOUT);
    }

    /** CPU ticks (1/100 s) per thread name, digits and the event loops' numbers folded into one group each. */
    private static Map<String, Long> threadTicks() {
        Map<String, Long> ticks = new TreeMap<>();
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return ticks;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(new File(task, "stat").toPath());
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#-]+$", "");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.merge(name.isEmpty() ? "?" : name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                        Long::sum);
            }
            catch (IOException | RuntimeException ex) {
                // the thread ended while it was read
            }
        }
        return ticks;
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    private static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long bytes = 0;
        for (long id : threads.getAllThreadIds()) {
            bytes += Math.max(0, threads.getThreadAllocatedBytes(id));
        }
        return bytes;
    }
}
