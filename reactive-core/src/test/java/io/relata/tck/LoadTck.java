package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.PoolState;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.Index;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Load on every database (issue 9): 200 concurrent {@code findAll().preload(...)} streams and 200 concurrent cascaded
 * saves on 10 connections, 40 of the streams cancelled part-way. Nothing deadlocks (all of it ends within the
 * bound), no connection leaks (the pools are quiet again), and no member is given another member's badge, in the
 * streams or in the database.
 */
public abstract class LoadTck extends DatabaseTestSupport {

    public static class Member {
        Long id;
        String name;
        Badge badge;
    }

    public static class Badge {
        Long id;
        String number;
        @Index
        Long memberId;
    }

    private static final int SEEDED = 300;

    private static final int STREAMS = 200;

    private static final int SAVES = 200;

    private static final int CONNECTIONS = 10;

    /** Streams cancelled at random moments by the hand-over test. */
    private static final int RACES = 2_000;

    /** Generous: a loaded CI machine runs this several times slower than an idle one; a deadlock never ends. */
    private static final Duration BOUND = Duration.ofMinutes(3);

    private record Stream(int index, boolean cancelled, List<Member> members) {
    }

    private static Member member(String name) {
        Member m = new Member();
        m.name = name;
        m.badge = new Badge();
        m.badge.number = "badge-" + name;
        return m;
    }

    private void seed() {
        StringBuilder sql = new StringBuilder("INSERT INTO members (name) VALUES ");
        Object[] names = new Object[SEEDED];
        for (int i = 0; i < SEEDED; i++) {
            sql.append(i == 0 ? "(?)" : ", (?)");
            names[i] = "seeded-" + i;
        }
        this.jdbc.update(sql.toString(), names);
        this.jdbc.update("INSERT INTO badges (number, member_id) SELECT CONCAT('badge-', name), id FROM members");
    }

    @Test
    void twoHundredStreamsAndTwoHundredSavesShareTenConnections() {
        migrate(Member.class, Badge.class);
        seed();
        Relata r = Relata.builder(this.fresh.r2dbcUrl()).maxConnections(CONNECTIONS).preloadBatchSize(50)
                .acquireTimeout(Duration.ofMinutes(2)).build();
        try {
            Repository<Member> members = r.repository(Member.class);
            Flux<Stream> streams = Flux.range(0, STREAMS).flatMap(i -> {
                boolean cancelled = i % 5 == 0;
                Flux<Member> read = members.findAll().preload("badge").flux();
                return (cancelled ? read.take(10 + i % 100) : read).collectList()
                        .map(list -> new Stream(i, cancelled, list));
            }, STREAMS);
            Flux<Member> saves = Flux.range(0, SAVES).flatMap(i -> members.save(member("saved-" + i)), SAVES);
            List<Stream> results = Mono.zip(streams.collectList(), saves.collectList()).map(t -> t.getT1())
                    .block(BOUND);

            assertThat(results).hasSize(STREAMS);
            assertThat(results.stream().filter(Stream::cancelled)).hasSize(40)
                    .allSatisfy(s -> assertThat(s.members()).hasSize(10 + s.index() % 100));
            assertThat(results.stream().filter(s -> !s.cancelled()))
                    .allSatisfy(s -> assertThat(s.members()).hasSizeBetween(SEEDED, SEEDED + SAVES));
            for (Stream s : results) {
                for (Member m : s.members()) {
                    assertThat(m.badge).as("badge of %s", m.name).isNotNull();
                    assertThat(m.badge.memberId).as("badge owner of %s", m.name).isEqualTo(m.id);
                    assertThat(m.badge.number).isEqualTo("badge-" + m.name);
                }
            }
            assertThat(this.jdbc.count("SELECT COUNT(*) FROM members")).isEqualTo(SEEDED + SAVES);
            assertThat(this.jdbc.count("SELECT COUNT(*) FROM badges b JOIN members m ON m.id = b.member_id"
                    + " AND b.number = CONCAT('badge-', m.name)")).isEqualTo(SEEDED + SAVES);
            assertThat(this.jdbc.count("SELECT COUNT(*) FROM badges")).isEqualTo(SEEDED + SAVES);

            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                PoolState state = PoolState.of(r);
                assertThat(state.quiet()).as("every connection back: %s", state).isTrue();
                assertThat(state.allocated()).isLessThanOrEqualTo(CONNECTIONS + CONNECTIONS / 2);
            });
        }
        finally {
            r.close().block(TIMEOUT);
        }
    }

    /**
     * A borrower that cancels while the pool hands it a connection must neither keep the connection from the pool
     * nor share it with the next borrower (r2dbc-pool's cancel hook gives the connection back while it is still on
     * its way to the borrower: seen as another stream's statement failing on H2 with "session closed", and as a
     * connection counted as acquired that no one held). Thousands of streams cancelled at random moments, beside
     * streams no one cancels, on two connections: every uncancelled stream gets all its rows, and the pool ends
     * quiet.
     */
    @Test
    void borrowersCancelledWhileAConnectionIsHandedOverNeverShareIt() {
        migrate(Member.class, Badge.class);
        seed();
        Relata r = Relata.builder(this.fresh.r2dbcUrl()).maxConnections(2).preloadBatchSize(50)
                .acquireTimeout(Duration.ofMinutes(2)).build();
        try {
            Repository<Member> members = r.repository(Member.class);
            Flux<Long> cancelled = Flux.range(0, RACES).flatMap(i -> members.findAll().preload("badge").flux()
                    .take(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 3_000_000))).count(), 8);
            Flux<Long> whole = Flux.range(0, RACES / 20).flatMap(i -> members.findAll().preload("badge").flux()
                    .filter(m -> m.badge != null && m.badge.memberId.equals(m.id)).count(), 2);
            List<Long> counts = Mono.zip(whole.collectList(), cancelled.count()).map(t -> t.getT1()).block(BOUND);

            assertThat(counts).hasSize(RACES / 20).allSatisfy(n -> assertThat(n).isEqualTo(SEEDED));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                PoolState state = PoolState.of(r);
                assertThat(state.quiet()).as("every connection back: %s", state).isTrue();
            });
        }
        finally {
            r.close().block(TIMEOUT);
        }
    }
}
