package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Probe;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Relata behind pgpool-II in streaming-replication mode, which routes on its own: writes and transactions that wrote
 * to the primary, plain reads balanced over the replicas (the set gives the primary no read weight). Relata needs no
 * replicas of its own here; the driver's defaults work, since pgpool keeps a client on the same backends for its
 * session.
 */
class PgpoolIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReplicaSet set;

    @BeforeEach
    void open() {
        this.set = ReplicaSet.up();
        this.set.requirePgpool();
        this.set.reset();
        Probes.create(this.set);
    }

    @Test
    void relataWorksBehindPgpoolAndItsReadsReachTheReplicas() {
        Relata db = Relata.connect(this.set.url(ReplicaSet.PGPOOL));
        try {
            PoolerWorkload.run(db, this.set);
            Repository<Probe> probes = db.repository(Probe.class);
            for (int i = 0; i < 4; i++) {
                Probe p = probes.findAll().preload("detail").first().block(TIMEOUT);
                assertThat(p.inRecovery).as("pgpool balanced the read to a replica").isTrue();
                assertThat(p.port).isIn(ReplicaSet.REPLICA1, ReplicaSet.REPLICA2);
            }
            // After a write, pgpool keeps the transaction's reads on the primary: read-your-writes inside it.
            Probe afterWrite = db.inTransaction(tx -> tx.exec("UPDATE accounts SET balance = balance WHERE id = ?", 1L)
                    .then(tx.repository(Probe.class).findAll().first())).blockLast(TIMEOUT);
            assertThat(afterWrite.port).isEqualTo(ReplicaSet.PRIMARY);
            assertThat(afterWrite.inRecovery).isFalse();
        }
        finally {
            db.close().block(TIMEOUT);
        }
    }
}
