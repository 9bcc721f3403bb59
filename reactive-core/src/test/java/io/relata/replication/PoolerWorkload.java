package io.relata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.replication.Probes.Account;
import io.relata.replication.Probes.Card;
import io.relata.testing.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What an application does through a pooler, checked on the primary over JDBC: migration, cascaded and batched
 * saves, concurrent streaming preloads, a transaction that reads its own writes and streams a cursor, a rollback.
 * Reads outside transactions are checked only after the replicas caught up: a pooler that balances reads (pgpool-II)
 * may send them to a replica.
 */
final class PoolerWorkload {

    static final int ACCOUNTS = 300;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PoolerWorkload() {
    }

    static void run(Relata db, ReplicaSet set) {
        db.migrate(Account.class, Card.class).block(TIMEOUT);
        Repository<Account> accounts = db.repository(Account.class);
        List<Account> batch = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            Account a = new Account();
            a.owner = "owner" + i;
            a.balance = (long) i;
            a.card = new Card();
            a.card.number = "card" + i;
            batch.add(a);
        }
        accounts.saveAll(Flux.fromIterable(batch)).blockLast(TIMEOUT);
        assertThat(set.single(ReplicaSet.PRIMARY, "SELECT count(*) FROM cards WHERE account_id IS NOT NULL"))
                .isEqualTo((long) ACCOUNTS);

        // A transaction reads its own writes and streams every owner through a cursor, preloading in pieces.
        List<String> inTx = db.inTransaction(tx -> {
            Repository<Account> txAccounts = tx.repository(Account.class);
            Account extra = new Account();
            extra.owner = "extra";
            extra.balance = -1L;
            return txAccounts.save(extra)
                    .thenMany(txAccounts.findAll().preload("card").orderBy("id").flux())
                    .map(a -> a.owner + "/" + (a.card == null ? "-" : a.card.number));
        }).collectList().block(TIMEOUT);
        assertThat(inTx).hasSize(ACCOUNTS + 1).startsWith("owner0/card0").endsWith("extra/-");

        // A failing transaction leaves nothing behind.
        assertThatThrownBy(() -> db.inTransaction(tx -> tx.exec("UPDATE accounts SET balance = 0")
                .then(Mono.error(new IllegalStateException("rolled back")))).blockLast(TIMEOUT))
                .hasMessageContaining("rolled back");
        assertThat(set.single(ReplicaSet.PRIMARY, "SELECT count(*) FROM accounts WHERE balance = 0")).isEqualTo(1L);

        accounts.update(batch.get(1), "balance", 1000L).block(TIMEOUT);
        accounts.delete(batch.get(2), "card").block(TIMEOUT);
        assertThat(set.single(ReplicaSet.PRIMARY, "SELECT sum(balance) FROM accounts WHERE deleted_at IS NULL"))
                .isEqualTo(java.math.BigDecimal.valueOf(sum() - 1 - 2 + 1000 - 1));

        // Concurrent streams, each preloading batch by batch on a second connection.
        set.awaitReplicas();
        List<Integer> sizes = Flux.range(0, 8).flatMap(i -> accounts.findAll().preload("card").flux()
                .filter(a -> a.card != null && a.card.number.equals("card" + a.owner.substring(5)))
                .count().map(Long::intValue), 8).collectList().block(TIMEOUT);
        assertThat(sizes).hasSize(8).containsOnly(ACCOUNTS - 1);
        assertThat(accounts.findAll().count().block(TIMEOUT)).isEqualTo(ACCOUNTS);
    }

    private static long sum() {
        return (long) ACCOUNTS * (ACCOUNTS - 1) / 2;
    }
}
