package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Streams 200,000 owners with a preloaded has-many of 0 to 50 targets each, and twenty owners with 5,000 more, through
 * a 128 MiB heap on PostgreSQL: about five million targets, far more than the heap holds, so finishing is the proof
 * that memory is bounded by rows, not owners (batches shrink to {@code preloadMaxRows} rows when owners have many
 * targets). Runs only in the {@code streaming} failsafe execution of {@code reactive-core/pom.xml} (tag
 * {@code streaming}, {@code -Xmx128m}); in a bigger heap it skips itself.
 */
@Tag("streaming")
class PostgresToManyStreamingIntegrationTests extends DatabaseTestSupport {

    static final int OWNERS = 200_000;

    static final int HEAVY_EVERY = 10_000;

    static final int HEAVY = 5_000;

    /** Owners materialised so far: counted in the constructor Relata calls for every row it maps. */
    static final AtomicLong MATERIALISED = new AtomicLong();

    public static class Member {
        Long id;
        String name;
        List<Purchase> purchases;

        Member() {
            MATERIALISED.incrementAndGet();
        }
    }

    public static class Purchase {
        Long id;
        Long memberId;
        String number;
    }

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }

    /** The targets of owner {@code id}: 0 to 50 by a fixed scatter, plus 5,000 for every 10,000th owner. */
    static long expected(long id) {
        return id * 7919 % 51 + (id % HEAVY_EVERY == 0 ? HEAVY : 0);
    }

    @Test
    void streamsTwoHundredThousandOwnersWithMillionsOfTargetsInABoundedHeap() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        Assumptions.assumeTrue(maxHeap <= 144L * 1024 * 1024,
                "runs in the 'streaming' failsafe execution with -Xmx128m (max heap here: " + (maxHeap >> 20) + " MiB)");
        migrate(Member.class, Purchase.class);
        long seedStart = System.nanoTime();
        // Seeded without the foreign key and its index, which migrate puts back afterwards (it is idempotent and
        // adds what is missing): checking and indexing five million rows one by one takes minutes.
        this.jdbc.update("ALTER TABLE purchases DROP CONSTRAINT fk_members_purchases");
        this.jdbc.update("DROP INDEX idx_purchases_member_id");
        this.jdbc.update("INSERT INTO members (id, name) SELECT g, 'member-' || g FROM generate_series(1, ?) g", OWNERS);
        this.jdbc.update("INSERT INTO purchases (member_id, number) SELECT g, 'p-' || g || '-' || k "
                + "FROM generate_series(1, ?) g CROSS JOIN LATERAL generate_series(1, (g * 7919 % 51)::int) k", OWNERS);
        this.jdbc.update("INSERT INTO purchases (member_id, number) SELECT g, 'h-' || g || '-' || k "
                + "FROM generate_series(?, ?, ?) g CROSS JOIN LATERAL generate_series(1, ?) k", HEAVY_EVERY, OWNERS,
                HEAVY_EVERY, HEAVY);
        migrate(Member.class, Purchase.class);
        assertThat(this.jdbc.foreignKeys("purchases")).containsExactly("fk_members_purchases");
        this.jdbc.update("ANALYZE");
        long targets = this.jdbc.count("SELECT COUNT(*) FROM purchases");
        System.err.printf("[streaming] seeded %,d owners and %,d targets in %d ms%n", OWNERS, targets,
                millisSince(seedStart));

        stream("outside a transaction", this.db.repository(Member.class).findAll().preload("purchases"), OWNERS,
                targets);
        // Without the cap a batch is 1,000 owners (200 statements); at about 25 targets per owner, 20,000 rows hold
        // about 800, and batches with a 5,000-target owner are cut further.
        assertThat(statementsStartingWith("SELECT").size() - 1).as("purchase statements")
                .isGreaterThan(OWNERS / Relata.DEFAULT_PRELOAD_BATCH_SIZE);
        // Inside a transaction: one connection, a server-side cursor read 1,000 owners at a time, each piece's batches
        // cut by rows before the next FETCH. A quarter of the owners (five of the 5,000-target ones) keeps the run
        // short; the heap is the same.
        this.statements.clear();
        int quarter = OWNERS / 4;
        long quarterTargets = this.jdbc.count("SELECT COUNT(*) FROM purchases WHERE member_id <= ?", quarter);
        stream("inside a transaction", this.db.inTransaction(tx -> tx.repository(Member.class)
                .where("id <= ?", quarter).preload("purchases")), quarter, quarterTargets);
        assertThat(statementsStartingWith("FETCH")).hasSize(quarter / Relata.DEFAULT_PRELOAD_BATCH_SIZE + 1);
    }

    private void stream(String how, Publisher<Member> query, long expectedOwners, long targets) {
        MATERIALISED.set(0);
        AtomicLong owners = new AtomicLong();
        AtomicLong seen = new AtomicLong();
        AtomicLong maxAhead = new AtomicLong();
        long start = System.nanoTime();
        Long count = Flux.from(query)
                .doOnNext(m -> {
                    owners.incrementAndGet();
                    long got = m.purchases.size();
                    if (got != expected(m.id) || m.purchases.stream().anyMatch(p -> !m.id.equals(p.memberId))) {
                        throw new AssertionError("member " + m.id + " got " + got + " purchases, expected "
                                + expected(m.id));
                    }
                    seen.addAndGet(got);
                    // Owners read from the database but not yet handed to the subscriber: the batches in memory.
                    maxAhead.accumulateAndGet(MATERIALISED.get() - owners.get(), Math::max);
                })
                .count()
                .block(java.time.Duration.ofMinutes(5));
        System.err.printf("[streaming] %s: %,d owners with %,d targets in %d ms; at most %,d owners read ahead of "
                + "the subscriber; max heap %d MiB%n", how, count, seen.get(), millisSince(start), maxAhead.get(),
                Runtime.getRuntime().maxMemory() >> 20);
        assertThat(count).isEqualTo(expectedOwners);
        assertThat(seen.get()).isEqualTo(targets);
        // A few batches of owners ahead (buffers of 1,000 cut by rows, two in flight), against 200,000 in the table;
        // their targets are capped by rows, which the 128 MiB heap proves.
        assertThat(maxAhead.get()).as("owners read ahead of the subscriber")
                .isLessThan(5L * Relata.DEFAULT_PRELOAD_BATCH_SIZE);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
