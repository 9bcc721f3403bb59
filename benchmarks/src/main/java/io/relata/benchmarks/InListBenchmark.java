package io.relata.benchmarks;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Chooses how a list bound to {@code where("id IN ?", list)} is sent: expanded to {@code IN ($1, ..., $n)} or as one
 * array bound to {@code = ANY($1)}. Raw driver code on one connection, so only the statement shape differs:
 * {@code SELECT COUNT(*) FROM in_list_rows WHERE id IN (...)} over 100,000 rows keyed by a primary key, the list
 * drawn at random from twice the key range (half the values match).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class InListBenchmark {

    private static final int ROWS = 100_000;

    @Param({"h2"})
    public String db;

    @Param({"10", "100", "1000", "10000"})
    public int size;

    Connection connection;

    String expanded;

    Long[] values;

    @Setup(Level.Trial)
    public void setup() {
        BenchDb bench = BenchDb.of(this.db);
        this.connection = Mono.from(ConnectionFactories.get(bench.rawUrl).create()).block(BenchDb.TIMEOUT);
        run("DROP TABLE IF EXISTS in_list_rows");
        run("CREATE TABLE in_list_rows (id BIGINT PRIMARY KEY, name VARCHAR(50))");
        run(bench.postgres()
                ? "INSERT INTO in_list_rows SELECT g, 'n' || g FROM generate_series(1, " + ROWS + ") g"
                : "INSERT INTO in_list_rows SELECT X, 'n' || X FROM SYSTEM_RANGE(1, " + ROWS + ")");
        Random random = new Random(42);
        this.values = new Long[this.size];
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM in_list_rows WHERE id IN (");
        for (int i = 0; i < this.size; i++) {
            this.values[i] = (long) random.nextInt(2 * ROWS) + 1;
            sql.append(i == 0 ? "$1" : ", $" + (i + 1));
        }
        this.expanded = sql.append(')').toString();
        if (!expandedIn().equals(anyArray())) {
            throw new IllegalStateException("IN and = ANY disagree: " + expandedIn() + " vs " + anyArray());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        run("DROP TABLE in_list_rows");
        Mono.from(this.connection.close()).block(BenchDb.TIMEOUT);
    }

    @Benchmark
    public Long expandedIn() {
        Statement statement = this.connection.createStatement(this.expanded);
        for (int i = 0; i < this.values.length; i++) {
            statement.bind(i, this.values[i]);
        }
        return count(statement);
    }

    @Benchmark
    public Long anyArray() {
        Statement statement = this.connection.createStatement("SELECT COUNT(*) FROM in_list_rows WHERE id = ANY($1)");
        Object array = this.values;
        return count(statement.bind(0, array));
    }

    private static Long count(Statement statement) {
        return Flux.from(statement.execute())
                .concatMap(result -> result.map((row, metadata) -> ((Number) row.get(0)).longValue()))
                .blockLast(BenchDb.TIMEOUT);
    }

    private void run(String sql) {
        Flux.from(this.connection.createStatement(sql).execute()).concatMap(Result::getRowsUpdated)
                .blockLast(BenchDb.TIMEOUT);
    }
}
