package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.testing.TestDatabase;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Streams 1,000,000 owners with a preloaded has-one through a 128 MiB heap on PostgreSQL: that the heap suffices is
 * the proof that memory stays bounded (the owners and cards alone take several hundred MiB). Runs only in the
 * {@code streaming} failsafe execution of {@code reactive-core/pom.xml} (tag {@code streaming}), which sets
 * {@code -Xmx128m}; in a bigger heap it skips itself.
 */
@Tag("streaming")
class PostgresStreamingIntegrationTests extends DatabaseTestSupport {

    static final int OWNERS = 1_000_000;

    /** Owners materialised so far: counted in the constructor Relata calls for every row it maps. */
    static final AtomicLong MATERIALISED = new AtomicLong();

    public static class Member {
        Long id;
        String name;
        Card card;

        Member() {
            MATERIALISED.incrementAndGet();
        }
    }

    /** No {@code @Index} on memberId: migrate indexes every foreign-key column it manages (issue 8). */
    public static class Card {
        Long id;
        String number;
        Long memberId;
    }

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRES;
    }

    @Test
    void streamsOneMillionOwnersWithTheirCardsInABoundedHeap() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        Assumptions.assumeTrue(maxHeap <= 144L * 1024 * 1024,
                "runs in the 'streaming' failsafe execution with -Xmx128m (max heap here: " + (maxHeap >> 20) + " MiB)");
        migrate(Member.class, Card.class);
        // The schema is migrate's alone: the index on cards.member_id that every preload batch searches is its own.
        assertThat(this.jdbc.indexes("cards")).containsEntry("idx_cards_member_id", java.util.List.of("member_id"));
        long seedStart = System.nanoTime();
        this.jdbc.update("INSERT INTO members (id, name) SELECT g, 'member-' || g FROM generate_series(1, ?) g", OWNERS);
        this.jdbc.update("INSERT INTO cards (id, number, member_id) SELECT g, 'card-' || g, g "
                + "FROM generate_series(1, ?) g", OWNERS);
        this.jdbc.update("ANALYZE");
        System.err.printf("[streaming] seeded %,d owners and cards in %d ms%n", OWNERS, millisSince(seedStart));

        stream("outside a transaction", this.db.repository(Member.class).findAll().preload("card"), 1_000);
        // Inside a transaction: one connection, a server-side cursor read 1,000 rows at a time, each piece preloaded
        // before the next FETCH; the same bounded heap.
        this.statements.clear();
        stream("inside a transaction", this.db.inTransaction(tx -> tx.repository(Member.class).findAll()
                .preload("card")), 1_000);
        assertThat(statementsStartingWith("FETCH")).hasSize(OWNERS / Relata.DEFAULT_PRELOAD_BATCH_SIZE + 1);
    }

    private void stream(String how, org.reactivestreams.Publisher<Member> query, int batch) {
        MATERIALISED.set(0);
        AtomicLong emitted = new AtomicLong();
        AtomicLong idSum = new AtomicLong();
        AtomicLong materialisedAtFirst = new AtomicLong(-1);
        AtomicLong statementsAtFirst = new AtomicLong(-1);
        AtomicLong maxAhead = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        long start = System.nanoTime();
        Long count = Flux.from(query)
                .doOnNext(m -> {
                    long n = emitted.incrementAndGet();
                    if (n == 1) {
                        firstNanos.set(System.nanoTime() - start);
                        materialisedAtFirst.set(MATERIALISED.get());
                        statementsAtFirst.set(this.statements.size());
                    }
                    maxAhead.accumulateAndGet(MATERIALISED.get() - n, Math::max);
                    // Every owner has its own card, attached before the owner is emitted.
                    if (m.card == null || !m.id.equals(m.card.memberId) || !("card-" + m.id).equals(m.card.number)) {
                        throw new AssertionError("member " + m.id + " got card " + (m.card == null ? null
                                : m.card.id + "/" + m.card.memberId + "/" + m.card.number));
                    }
                    idSum.addAndGet(m.id);
                })
                .count()
                .block(java.time.Duration.ofMinutes(3));
        long total = millisSince(start);
        System.err.printf("[streaming] %s: %,d owners with cards in %d ms; first owner after %d ms, when %,d owners "
                + "had been read and %d statements sent; at most %,d owners read ahead of the subscriber; "
                + "max heap %d MiB%n", how, count, total, firstNanos.get() / 1_000_000, materialisedAtFirst.get(),
                statementsAtFirst.get(), maxAhead.get(), Runtime.getRuntime().maxMemory() >> 20);
        assertThat(count).isEqualTo(OWNERS);
        assertThat(idSum.get()).as("each owner exactly once").isEqualTo((long) OWNERS * (OWNERS + 1) / 2);
        // Streaming, not read-then-emit: when the first owner reached the subscriber only a few batches of the
        // 1,000,000 owners had been read from the database (each read row is a constructed Member), and the owner
        // query was still running; the gap between reading and emitting stayed a few batches all the way.
        assertThat(materialisedAtFirst.get()).as("owners read when the first was emitted")
                .isPositive().isLessThan(20L * batch);
        assertThat(statementsAtFirst.get()).as("statements sent when the first owner was emitted").isLessThan(6);
        assertThat(maxAhead.get()).as("owners read ahead of the subscriber").isLessThan(20L * batch);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
