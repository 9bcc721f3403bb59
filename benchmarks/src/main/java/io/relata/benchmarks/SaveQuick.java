package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.benchmarks.model.User;
import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import reactor.core.publisher.Flux;

/**
 * A quick, noise-tolerant pass over scenario 3 without JMH: hand-written multi-row inserts, Relata's {@code saveAll}
 * as it is, and (on PostgreSQL) Relata's {@code saveAll} on a dialect that lists rows in {@code VALUES} instead of
 * binding one array per column, in alternating rounds on emptied tables, so a busy machine slows them alike. The
 * ratio to the hand-written code is taken per round and reported as a median. For the full comparison use
 * {@link SaveBenchmark}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.SaveQuick postgresql 10000 15
 * </pre>
 *
 * Arguments: the database ({@code postgresql} or {@code h2}), the number of users, the rounds (after 3 warm-up
 * rounds).
 */
public final class SaveQuick {

    private SaveQuick() {
    }

    public static void main(String[] args) {
        String db = args.length > 0 ? args[0] : "postgresql";
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        SaveBenchmark bench = new SaveBenchmark();
        bench.db = db;
        bench.users = users;
        bench.setup();
        AlternatingRounds runs = new AlternatingRounds(bench::empty)
                .add("handMultiRowInsert", bench::handMultiRowInsert)
                .add("relataSaveAll", bench::relataSaveAll);
        Relata values = null;
        if (bench.bench.postgres()) {
            values = Relata.builder(bench.bench.url).dialect(valuesOnly(Dialects.postgres())).build();
            Repository<User> repo = values.repository(User.class);
            runs.add("relataSaveAllValues", () -> repo.saveAll(Flux.fromIterable(bench.fresh)).collectList()
                    .block(BenchDb.TIMEOUT));
        }
        runs.run(String.format("%s, %,d users with cards", db, users), rounds, name -> "handMultiRowInsert");
        bench.tearDown();
        if (values != null) {
            values.close().block(BenchDb.TIMEOUT);
        }
        System.exit(0);
    }

    /** The dialect with array inserts switched off: Relata's multi-row {@code VALUES}, for comparison. */
    private static Dialect valuesOnly(Dialect dialect) {
        return (Dialect) Proxy.newProxyInstance(Dialect.class.getClassLoader(), new Class<?>[] {Dialect.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("supportsArrayInsert")) {
                        return false;
                    }
                    try {
                        return method.invoke(dialect, arguments);
                    }
                    catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }
}
