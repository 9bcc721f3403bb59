package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcException;
import io.relata.Relata;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Card;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
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
            // Each client's first parameterised statement is prepared as S_0; PgBouncer hands the second client the
            // server connection the first one just released (LIFO), where S_0 already exists.
            assertThat(first.repository(Account.class).where("owner = ?", "a").count().block(TIMEOUT)).isZero();
            assertThatThrownBy(() -> second.repository(Account.class).where("balance = ?", 1L).count()
                    .block(TIMEOUT))
                    .isInstanceOfSatisfying(R2dbcException.class, e -> assertThat(e.getSqlState())
                            .as("%s", e).isIn("42P05", "26000"));
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
