package io.relata.tck;

import io.relata.Relata;
import io.relata.testing.Fresh;
import io.relata.testing.Jdbc;
import io.relata.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The base of every conformance suite: a fresh database per test, a {@link Relata} whose statements are recorded,
 * and a plain-JDBC side channel to set up and check state independently of the library.
 */
public abstract class DatabaseTestSupport {

    /** How long a test waits for one reactive operation. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The statements the library sent, in order. */
    protected final List<String> statements = new CopyOnWriteArrayList<>();

    /** The test database. */
    protected Fresh fresh;

    /** The side channel. */
    protected Jdbc jdbc;

    /** The library under test. */
    protected Relata db;

    /**
     * @return the database this suite runs on: by default the one named by the {@link ConformanceSuites.On} binding
     *         the suite is nested in; a suite that stands alone overrides this
     */
    protected TestDatabase database() {
        return ConformanceSuites.databaseOf(getClass());
    }

    /** @return the preload batch size for this suite's {@link Relata} */
    protected int preloadBatchSize() {
        return Relata.DEFAULT_PRELOAD_BATCH_SIZE;
    }

    @BeforeEach
    void openDatabase() {
        this.fresh = database().fresh();
        this.jdbc = this.fresh.jdbc();
        this.db = Relata.builder(this.fresh.r2dbcUrl())
                .onStatement(this.statements::add)
                .preloadBatchSize(preloadBatchSize())
                .build();
    }

    @AfterEach
    void closeDatabase() {
        if (this.db != null) {
            this.db.close().block(TIMEOUT);
        }
        if (this.fresh != null) {
            this.fresh.close();
        }
    }

    /** Migrates entities and forgets the statements that took. */
    protected void migrate(Class<?>... entities) {
        this.db.migrate(entities).block(TIMEOUT);
        this.statements.clear();
    }

    protected <T> T await(Mono<T> mono) {
        return mono.block(TIMEOUT);
    }

    protected <T> List<T> awaitAll(Publisher<T> flux) {
        List<T> list = Flux.from(flux).collectList().block(TIMEOUT);
        return list == null ? List.of() : list;
    }

    /** @return the recorded statements that start with a keyword (case-insensitive), such as {@code SELECT} */
    protected List<String> statementsStartingWith(String keyword) {
        List<String> out = new ArrayList<>();
        for (String s : this.statements) {
            if (s.regionMatches(true, 0, keyword, 0, keyword.length())) {
                out.add(s);
            }
        }
        return out;
    }

    /** A derived table of the integers 1..n in a column {@code x}, for seeding with plain SQL. */
    protected String series(int n) {
        return switch (database()) {
            case POSTGRES -> "(SELECT generate_series(1, " + n + ") AS x) s";
            case H2 -> "(SELECT X AS x FROM SYSTEM_RANGE(1, " + n + ")) s";
            case MARIADB -> "(SELECT seq AS x FROM seq_1_to_" + n + ") s";
        };
    }

    /** @return whether the database is PostgreSQL */
    protected boolean postgres() {
        return database() == TestDatabase.POSTGRES;
    }
}
