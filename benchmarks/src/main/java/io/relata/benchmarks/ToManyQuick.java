package io.relata.benchmarks;


/**
 * A quick, noise-tolerant pass over scenario 5 without JMH: the implementations of {@link ToManyBenchmark} (and, on
 * PostgreSQL, the peers of {@link ToManyPeersBenchmark}) run in alternating rounds on the same data, so a busy
 * machine slows them alike, and the ratio to the hand-written baseline is taken per round and reported as a
 * median. For the integrator's full comparison use the JMH classes.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.relata.benchmarks.ToManyQuick postgresql 10000 15
 * </pre>
 *
 * Arguments: the database ({@code postgresql} or {@code h2}), the number of owners, the rounds (after 3 warm-up
 * rounds). {@code -Drelata.bench.relataOnly=true} leaves the peers out (for profiling Relata against the baseline).
 */
public final class ToManyQuick {

    private ToManyQuick() {
    }

    public static void main(String[] args) {
        String db = args.length > 0 ? args[0] : "postgresql";
        int owners = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        ToManyBenchmark relataSide = new ToManyBenchmark();
        relataSide.db = db;
        relataSide.owners = owners;
        relataSide.setup();
        boolean only = Boolean.getBoolean("relata.bench.relataOnly");
        AlternatingRounds runs = new AlternatingRounds()
                .add("handTwoQueries", relataSide::handTwoQueries)
                .add("relataPreload", relataSide::relataPreload)
                .add("handLatest", relataSide::handLatest)
                .add("relataLatest", relataSide::relataLatest);
        ToManyPeersBenchmark peers = null;
        if (BenchDb.of(db).postgres() && !only) {
            peers = new ToManyPeersBenchmark();
            peers.db = db;
            peers.owners = owners;
            // The data ToManyBenchmark seeded.
            peers.open(BenchDb.of(db));
            ToManyPeersBenchmark p = peers;
            runs.add("hibernateJoinFetch", p::hibernateJoinFetch)
                    .add("hibernateBatchFetch", p::hibernateBatchFetch)
                    .add("springData", p::springData);
        }
        runs.run(String.format("%s, %,d customers x %d orders", db, owners, ToManyData.PER_OWNER), rounds,
                name -> name.toLowerCase().contains("latest") ? "handLatest" : "handTwoQueries");
        relataSide.tearDown();
        if (peers != null) {
            peers.tearDown();
        }
        System.exit(0);
    }
}
