package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcException;
import io.relata.Relata;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Card;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Relata behind PgBouncer in transaction pooling mode, where consecutive transactions of one client connection may
 * run on different server connections. r2dbc-postgresql names and caches its prepared statements per connection by
 * default ({@code S_0}, {@code S_1}, ...), which then meet on the wrong server connection; with
 * {@code preparedStatementCacheQueries=0} it uses the unnamed statement, which lives only as long as one
 * Parse/Bind/Execute/Sync exchange, and everything works.
 */
class PgBouncerIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReplicaSet set;

    @BeforeEach
    void open() {
        this.set = ReplicaSet.up();
        this.set.requirePgBouncer();
        this.set.reset();
    }

    @Test
    void namedPreparedStatementsClashWithTheDriversDefaults() {
        Relata first = Relata.connect(this.set.url(ReplicaSet.PGBOUNCER));
        Relata second = Relata.connect(this.set.url(ReplicaSet.PGBOUNCER));
        try {
            first.migrate(Account.class, Card.class).block(TIMEOUT);
            // Each client names its statements S_0, S_1, ... on its own connection; PgBouncer runs each transaction
            // on whichever server connection is free (the one released last, by default), where another client's
            // S_0 may already exist, or this client's may not.
            List<R2dbcException> errors = new ArrayList<>();
            for (int i = 0; i < 10 && errors.isEmpty(); i++) {
                for (Relata client : List.of(first, second)) {
                    try {
                        String column = client == first ? "balance" : "id";
                        client.repository(Account.class).where(column + " = ?", (long) i).count().block(TIMEOUT);
                    }
                    catch (R2dbcException e) {
                        errors.add(e);
                    }
                }
            }
            // 42P05: prepared statement "S_0" already exists; 26000: it does not exist; 08P01: it exists with
            // other parameters.
            assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.getSqlState()).as("%s", e)
                    .isIn("42P05", "26000", "08P01"));
        }
        finally {
            first.close().block(TIMEOUT);
            second.close().block(TIMEOUT);
        }
    }

    @Test
    void relataWorksThroughPgBouncerWithUnnamedStatements() {
        Relata db = Relata.connect(this.set.url(ReplicaSet.PGBOUNCER) + "?preparedStatementCacheQueries=0");
        try {
            PoolerWorkload.run(db, this.set);
        }
        finally {
            db.close().block(TIMEOUT);
        }
    }
}
