package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Relata;
import io.relata.Repository;
import io.relata.spi.TransactionBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link TransactionBinding} seam, run on every database with a stand-in transaction manager
 * ({@link CallerTransactions}): inside the caller's transaction every Relata operation runs on the caller's
 * connection (Relata opens none), commits and rolls back with it, and takes the one-connection paths; outside,
 * nothing changes but one lookup per operation. State is checked over JDBC, after the caller's transaction ended or,
 * to show that Relata did not commit, while it is still open.
 */
public abstract class CallerTransactionTck extends EagerLoadingFixtures {

    private final List<Relata> bound = new ArrayList<>();

    private final List<CallerTransactions> callers = new ArrayList<>();

    private CallerTransactions.Counting counting;

    @AfterEach
    void closeBound() {
        for (Relata r : this.bound) {
            r.close().block(TIMEOUT);
        }
        for (CallerTransactions c : this.callers) {
            c.close();
        }
    }

    private CallerTransactions caller(int size) {
        CallerTransactions caller = new CallerTransactions(this.fresh.connectionFactory(), size);
        this.callers.add(caller);
        return caller;
    }

    /** A Relata bound to the caller's transactions, on a factory that counts the connections Relata opens. */
    private Relata bound(TransactionBinding binding, int preloadBatchSize) {
        this.counting = new CallerTransactions.Counting(this.fresh.connectionFactory());
        Relata r = Relata.builder(this.counting).onStatement(this.statements::add).preloadBatchSize(preloadBatchSize)
                .transactionBinding(binding).build();
        this.bound.add(r);
        return r;
    }

    private static User user(String name, String cardNumber) {
        User u = new User();
        u.name = name;
        if (cardNumber != null) {
            u.creditCard = new CreditCard();
            u.creditCard.number = cardNumber;
        }
        return u;
    }

    /** Runs a JDBC check off the Reactor threads (BlockHound is watching them), inside a reactive chain. */
    private <T> Mono<T> jdbcCheck(java.util.function.Supplier<T> check) {
        return Mono.fromSupplier(check).subscribeOn(Schedulers.boundedElastic());
    }

    private long count(String table, String where) {
        return this.jdbc.count("SELECT COUNT(*) FROM " + table + " WHERE " + where);
    }

    @Test
    void everyKindOfOperationRunsOnTheCallersConnectionAndRollsBackWithIt() {
        seedForInserts();
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 2);
        Repository<User> users = db.repository(User.class);
        User zed = user("zed", "cz");
        List<String> seen = new CopyOnWriteArrayList<>();
        awaitAll(caller.run(false, c -> users.save(zed)
                .then(db.exec("UPDATE users SET name = ? WHERE name = ?", "ann2", "ann"))
                .doOnNext(rows -> seen.add("exec " + rows))
                .then(Mono.defer(() -> users.update(zed, "name", "zed2")))
                .then(users.findAll().orderBy("users.id").preload("creditCard").preload("company").joins("account")
                        .flux().map(u -> u.name + ":" + card(u)).collectList())
                .doOnNext(names -> seen.add(String.join(",", names)))
                .then(users.where("name LIKE ?", "zed%").count())
                .doOnNext(n -> seen.add("count " + n))
                .then(Mono.defer(() -> users.findById(zed.getId())))
                .doOnNext(u -> seen.add("found " + u.name))
                .then(Mono.defer(() -> users.<CreditCard>association(zed, "creditCard").replace(card("cz2"))))
                .then(db.inTransaction(tx -> tx.repository(Company.class).save(company("inner"))).then())
                .then(Mono.defer(() -> users.delete(zed, "creditCard")))
                .doOnNext(rows -> seen.add("deleted " + rows))
                .then(users.where("name = ?", "zed2").first().map(u -> "visible").defaultIfEmpty("gone"))
                .doOnNext(seen::add)));
        assertThat(seen).containsExactly("exec 1",
                "ann2:c1,bob:c2-a-new,cid:null,dan:null,eve:c5,zed2:cz",
                "count 1", "found zed2", "deleted 1", "gone");
        assertThat(this.counting.created()).as("Relata opened no connection of its own").isZero();
        assertThat(count("users", "name IN ('zed', 'zed2', 'ann2')")).as("rolled back with the caller").isZero();
        assertThat(count("users", "name = 'ann'")).isEqualTo(1);
        assertThat(count("credit_cards", "number IN ('cz', 'cz2')")).isZero();
        assertThat(count("companies", "name = 'inner'")).isZero();
    }

    @Test
    void relataCommitsNothingAndTheCallersCommitKeepsEverything() {
        seedForInserts();
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 1000);
        List<Long> duringTheTransaction = awaitAll(caller.run(true, c -> db.inTransaction(tx -> tx
                        .repository(User.class).save(user("zed", "cz")))
                .then(jdbcCheck(() -> count("users", "name = 'zed'")))));
        assertThat(duringTheTransaction).as("inTransaction joined the caller's, so nothing was committed yet")
                .containsExactly(0L);
        assertThat(count("users", "name = 'zed'")).isEqualTo(1);
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM credit_cards c JOIN users u ON c.user_id = u.id "
                + "WHERE u.name = 'zed' AND c.number = 'cz'")).isEqualTo(1);
        assertThat(this.counting.created()).isZero();
    }

    @Test
    void anErrorRollsBackTheCallersAndRelatasWritesTogether() {
        seedForInserts();
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 1000);
        assertThatThrownBy(() -> awaitAll(caller.run(true, c -> Mono.from(c
                        .createStatement("INSERT INTO companies (name) VALUES ('caller')").execute())
                .flatMap(result -> Mono.from(result.getRowsUpdated()))
                .then(db.repository(User.class).save(user("zed", "cz")))
                .then(Mono.error(new IllegalStateException("the service failed"))))))
                .hasMessageContaining("the service failed");
        assertThat(count("companies", "name = 'caller'")).isZero();
        assertThat(count("users", "name = 'zed'")).isZero();
        assertThat(count("credit_cards", "number = 'cz'")).isZero();
    }

    @Test
    void manyOwnersPreloadInPiecesOnTheCallersOneConnection() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int n = 2_000;
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n));
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 250);
        List<User> users = awaitAll(caller.run(false, c -> db.repository(User.class).findAll()
                .preload("creditCard").preload("company")));
        assertThat(users).hasSize(n).allSatisfy(u -> assertThat(card(u)).isEqualTo("c" + u.getId()));
        assertThat(this.counting.created()).isZero();
        // Owners read in pieces, each followed by its preloads: the path inTransaction takes.
        List<String> kinds = new ArrayList<>();
        for (String s : this.statements) {
            String upper = s.toUpperCase(Locale.ROOT);
            // Catalog reads (information_schema, pg_catalog) come first and are not pieces.
            boolean catalog = upper.contains("INFORMATION_SCHEMA") || upper.contains("PG_CATALOG");
            kinds.add(catalog ? "other" : upper.contains("CREDIT_CARDS") ? "card" : upper.contains("COMPANIES")
                    ? "company" : upper.startsWith("FETCH") || upper.startsWith("SELECT") ? "owners" : "other");
        }
        List<String> pieces = new ArrayList<>(kinds);
        pieces.removeIf("other"::equals);
        assertThat(pieces.subList(0, 3)).containsExactly("owners", "card", "owners");
        assertThat(pieces).filteredOn("card"::equals).hasSize(n / 250);
        if (postgres()) {
            assertThat(this.statements).anyMatch(s -> s.startsWith("DECLARE"));
        }
    }

    @Test
    void cancellingInsideTheCallersTransactionRollsItBackAndFreesItsConnection() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int n = 1_000;
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n));
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 100);
        List<User> first = awaitAll(caller.run(true, c -> db.exec("UPDATE users SET name = ? WHERE id = ?", "x", 1)
                .thenMany(db.repository(User.class).findAll().preload("creditCard"))).take(150));
        assertThat(first).hasSize(150);
        Awaitility.await().atMost(TIMEOUT).until(() -> caller.pool().getMetrics()
                .map(m -> m.acquiredSize() == 0).orElse(false));
        assertThat(count("users", "name = 'x'")).as("the cancel rolled the caller's transaction back").isZero();
        assertThat(awaitAll(caller.run(true, c -> db.repository(User.class).where("id > ?", 990)
                .preload("creditCard")))).hasSize(10);
        assertThat(this.counting.created()).isZero();
    }

    @Test
    void outsideTheCallersTransactionNothingChangesButOneLookupPerOperation() {
        seedForInserts();
        CallerTransactions caller = caller(1);
        Relata db = bound(caller, 2);
        List<User> users = awaitAll(db.repository(User.class).findAll().preload("creditCard").preload("company"));
        assertThat(users).hasSize(5);
        assertThat(caller.lookups()).as("one lookup for the query and its three preload batches of two").isEqualTo(1);
        assertThat(this.counting.created()).as("Relata's own pools serve it").isPositive();
        await(db.repository(User.class).save(user("zed", "cz")));
        assertThat(count("users", "name = 'zed'")).as("committed by Relata's own transaction").isEqualTo(1);
    }

    @Test
    void aFailingLookupIsSignalledBeforeAnyStatement() {
        seedForInserts();
        Relata db = bound(() -> Mono.error(new IllegalStateException("no transaction manager")), 1000);
        this.statements.clear();
        assertThatThrownBy(() -> awaitAll(db.repository(User.class).findAll().preload("creditCard")))
                .hasMessageContaining("no transaction manager");
        assertThatThrownBy(() -> await(db.repository(User.class).save(user("zed", "cz"))))
                .hasMessageContaining("no transaction manager");
        assertThat(this.statements).isEmpty();
        assertThat(this.counting.created()).isZero();
    }

    private static CreditCard card(String number) {
        CreditCard c = new CreditCard();
        c.number = number;
        return c;
    }

    private static Company company(String name) {
        Company c = new Company();
        c.name = name;
        return c;
    }
}
