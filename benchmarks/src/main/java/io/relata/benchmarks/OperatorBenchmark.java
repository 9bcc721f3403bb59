package io.relata.benchmarks;

import io.relata.preload.BatchPreload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * The {@link BatchPreload} operator alone, without a database: owners made on the fly, each batch's values taken from
 * memory (three owners in four have one), so the time is the operator's own (batching, keys, matching, attaching,
 * ordered emission) per owner. What a database-bound benchmark cannot resolve on a noisy 2-core machine: a change
 * of 100 ns per owner is 2% of a preloaded stream's 4-5 us.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar OperatorBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class OperatorBenchmark {

    private static final int OWNERS = 100_000;

    /** Owners per batch; 1,000 is Relata's default. */
    @Param({"1000"})
    public int batchSize;

    private Value[] values;

    private BatchPreload<Owner, Long, Value> preload;

    @Setup
    public void setup() {
        this.values = new Value[OWNERS];
        for (int i = 0; i < OWNERS; i++) {
            this.values[i] = new Value((long) i);
        }
        this.preload = BatchPreload.<Owner, Long, Value>builder()
                .ownerKey(owner -> owner.id)
                .fetcher(this::fetch)
                .valueKey(value -> value.ownerId)
                .setter((owner, value) -> owner.value = value)
                .batchSize(this.batchSize)
                .build();
    }

    private Flux<Value> fetch(List<Long> keys) {
        List<Value> out = new ArrayList<>(keys.size());
        for (Long key : keys) {
            if ((key & 3) != 0) {
                out.add(this.values[(int) (long) key]);
            }
        }
        return Flux.fromIterable(out);
    }

    /** @return the owners emitted, with their values attached; time per owner */
    @Benchmark
    @OperationsPerInvocation(OWNERS)
    public long preloadPerOwner() {
        return Flux.range(0, OWNERS).map(i -> new Owner(i)).transform(this.preload).count().block();
    }

    /** The same owners without the operator: what making and counting them costs; time per owner. */
    @Benchmark
    @OperationsPerInvocation(OWNERS)
    public long ownersAlonePerOwner() {
        return Flux.range(0, OWNERS).map(i -> new Owner(i)).count().block();
    }

    static final class Owner {

        final Long id;

        Value value;

        Owner(long id) {
            this.id = id;
        }
    }

    record Value(Long ownerId) {
    }
}
