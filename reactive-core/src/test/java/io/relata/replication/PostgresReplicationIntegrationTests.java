package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcException;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Card;
import io.relata.replication.Probes.Probe;
import io.relata.replication.Probes.ProbeDetail;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Read/write routing on a real primary with two streaming replicas: the server that answered says where each read
 * went, and a write sent to a replica would fail with SQLSTATE 25006 ("cannot execute ... in a read-only
 * transaction").
 */
class PostgresReplicationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<String> statements = new CopyOnWriteArrayList<>();

    private ReplicaSet set;

    private Relata db;

    @BeforeEach
    void open() {
        this.set = ReplicaSet.up();
        this.set.reset();
        Probes.create(this.set);
        this.db = Relata.builder(this.set.url(ReplicaSet.PRIMARY))
                .replicas(this.set.url(ReplicaSet.REPLICA1), this.set.url(ReplicaSet.REPLICA2))
                .onStatement(this.statements::add)
                .build();
        this.db.migrate(Account.class, Card.class).block(TIMEOUT);
        this.set.awaitReplicas();
    }

    @AfterEach
    void close() {
        if (this.db != null) {
            this.db.close().block(TIMEOUT);
        }
    }

    private Repository<Probe> probes() {
        return this.db.repository(Probe.class);
    }

    @Test
    void readsTakeTurnsOverTheReplicas() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Probe p = probes().findAll().first().block(TIMEOUT);
            assertThat(p.inRecovery).as("read %d answered by a replica", i).isTrue();
            ports.add(p.port);
        }
        assertThat(ports).containsOnly(ReplicaSet.REPLICA1, ReplicaSet.REPLICA2);
        for (int i = 1; i < ports.size(); i++) {
            assertThat(ports.get(i)).as("turns alternate: %s", ports).isNotEqualTo(ports.get(i - 1));
        }
    }

    @Test
    void aReadAndItsPreloadsRunOnOneReplica() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Probe p = probes().findAll().preload("detail").first().block(TIMEOUT);
            assertThat(p.inRecovery).isTrue();
            assertThat(p.detail.port).as("the preload ran where its owner was read").isEqualTo(p.port);
            // Of the has-one's rows (one per port number) the greatest key wins.
            assertThat(p.detail.id).isEqualTo(p.port.longValue());
            ports.add(p.port);
        }
        assertThat(ports).contains(ReplicaSet.REPLICA1, ReplicaSet.REPLICA2);
    }

    @Test
    void countFindByIdAndAssociationsReadAReplica() {
        Repository<ProbeDetail> details = this.db.repository(ProbeDetail.class);
        // probe_details has as many rows as the answering server's port number.
        assertThat(details.findAll().count().block(TIMEOUT)).isIn((long) ReplicaSet.REPLICA1, (long) ReplicaSet.REPLICA2);
        assertThat(probes().findById(1L).block(TIMEOUT).inRecovery).isTrue();
        Probe owner = new Probe();
        owner.id = 1L;
        ProbeDetail found = probes().<ProbeDetail>association(owner, "detail").find().block(TIMEOUT);
        assertThat(found.port).isIn(ReplicaSet.REPLICA1, ReplicaSet.REPLICA2);
        assertThat(probes().association(owner, "detail").count().block(TIMEOUT))
                .isIn((long) ReplicaSet.REPLICA1, (long) ReplicaSet.REPLICA2);
    }

    @Test
    void primaryTheContextAndTransactionsReadThePrimary() {
        Probe viaQuery = probes().findAll().preload("detail").primary().first().block(TIMEOUT);
        assertThat(viaQuery.port).isEqualTo(ReplicaSet.PRIMARY);
        assertThat(viaQuery.inRecovery).isFalse();
        assertThat(viaQuery.detail.port).isEqualTo(ReplicaSet.PRIMARY);

        Probe viaContext = probes().findById(1L).contextWrite(Relata.readFromPrimary()).block(TIMEOUT);
        assertThat(viaContext.port).isEqualTo(ReplicaSet.PRIMARY);
        assertThat(this.db.repository(ProbeDetail.class).findAll().count().contextWrite(Relata.readFromPrimary())
                .block(TIMEOUT)).isEqualTo((long) ReplicaSet.PRIMARY);

        Probe inTransaction = this.db.inTransaction(tx -> tx.repository(Probe.class).findAll().preload("detail")
                .first()).blockLast(TIMEOUT);
        assertThat(inTransaction.port).isEqualTo(ReplicaSet.PRIMARY);
        assertThat(inTransaction.detail.port).isEqualTo(ReplicaSet.PRIMARY);
    }

    @Test
    void aWriteOnAReplicaWouldShowAs25006() {
        // What the next test relies on: a replica refuses every write with SQLSTATE 25006.
        Relata replica = Relata.connect(this.set.url(ReplicaSet.REPLICA1));
        try {
            assertThatThrownBy(() -> replica.exec("INSERT INTO accounts (owner, balance) VALUES (?, ?)", "x", 1L)
                    .block(TIMEOUT))
                    .isInstanceOfSatisfying(R2dbcException.class, e -> assertThat(e.getSqlState()).isEqualTo("25006"));
        }
        finally {
            replica.close().block(TIMEOUT);
        }
    }

    @Test
    void writesAreNeverSentToAReplica() {
        Repository<Account> accounts = this.db.repository(Account.class);
        Account ada = account("ada", 10);
        ada.card = new Card();
        ada.card.number = "4111";
        accounts.save(ada).block(TIMEOUT);
        accounts.saveAll(Flux.just(account("bob", 20), account("cyd", 30))).blockLast(TIMEOUT);
        accounts.update(ada, "balance", 15L).block(TIMEOUT);
        Card replacement = new Card();
        replacement.number = "5500";
        accounts.<Card>association(ada, "card").replace(replacement).block(TIMEOUT);
        this.db.exec("UPDATE accounts SET balance = balance + ? WHERE owner = ?", 1L, "bob").block(TIMEOUT);
        this.db.inTransaction(tx -> tx.repository(Account.class).where("owner = ?", "cyd").first()
                .flatMap(cyd -> tx.repository(Account.class).delete(cyd))).blockLast(TIMEOUT);
        this.db.migrate(Account.class, Card.class).block(TIMEOUT);

        // Every statement above succeeded, so none reached a replica (25006). The primary holds the result, and the
        // replicas receive it by replication.
        this.set.awaitReplicas();
        for (int port : new int[] {ReplicaSet.PRIMARY, ReplicaSet.REPLICA1, ReplicaSet.REPLICA2}) {
            assertThat(this.set.single(port, "SELECT string_agg(owner || '=' || balance, ',' ORDER BY owner)"
                    + " FROM accounts WHERE deleted_at IS NULL")).as("accounts on %d", port).isEqualTo("ada=15,bob=21");
            assertThat(this.set.single(port, "SELECT string_agg(number, ',' ORDER BY id) FROM cards"
                    + " WHERE account_id IS NOT NULL")).as("cards on %d", port).isEqualTo("5500");
        }
    }

    private static Account account(String owner, long balance) {
        Account a = new Account();
        a.owner = owner;
        a.balance = balance;
        return a;
    }

    /**
     * Replicas apply a commit a little after the primary acknowledges it: an immediate read on a replica may miss
     * it, a read on the primary never does. The miss rate is printed (docs/scale-out.md quotes it), not asserted:
     * it depends on the machine's load.
     */
    @Test
    void readYourWritesNeedsThePrimary() {
        Repository<Account> accounts = this.db.repository(Account.class);
        int rounds = 200;
        int replicaMisses = 0;
        for (int i = 0; i < rounds; i++) {
            Account saved = accounts.save(account("a" + i, i)).block(TIMEOUT);
            Long onReplica = accounts.where("id = ?", saved.getId()).count().block(TIMEOUT);
            Long onPrimary = accounts.where("id = ?", saved.getId()).primary().count().block(TIMEOUT);
            assertThat(onPrimary).as("the primary sees its own commit").isEqualTo(1L);
            replicaMisses += onReplica == 0 ? 1 : 0;
        }
        System.err.printf("[replication] an immediate read on a replica missed the write just committed in %d of %d"
                + " rounds (%.0f%%)%n", replicaMisses, rounds, 100.0 * replicaMisses / rounds);
        assertThat(accounts.findAll().primary().count().block(TIMEOUT)).isEqualTo(rounds);
    }
}
