package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.Query;
import io.relata.Relata;
import io.relata.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactories;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Preload conformance: statement counts, order, nesting, polymorphic routing, soft delete, conditions,
 * customizers, bad paths, large key sets and transactions, run on every database.
 */
public abstract class PreloadTck extends EagerLoadingFixtures {

    // ---------------------------------------------------------------------------------------------------------
    // (1) has-one, belongs-to, polymorphic, self-reference, nesting: results and exact statement counts

    @Test
    void preloadHasOneKeepsOwnerOrderInTwoStatements() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("name DESC").preload("creditCard"));
        assertThat(users).extracting(u -> u.name).containsExactly("eve", "dan", "cid", "bob", "ann");
        Map<String, User> u = byName(users);
        assertThat(card(u.get("ann"))).isEqualTo("c1");
        assertThat(card(u.get("bob"))).as("greatest primary key wins").isEqualTo("c2-a-new");
        assertThat(card(u.get("cid"))).as("soft-deleted card is invisible").isNull();
        assertThat(card(u.get("dan"))).isNull();
        assertThat(card(u.get("eve"))).isEqualTo("c5");
        assertThat(u.get("eve").creditCard.userId).isEqualTo(5L);
        assertThat(this.statements).hasSize(2);
        assertThat(selectsFrom("users")).hasSize(1);
        assertThat(selectsFrom("credit_cards")).hasSize(1);
        String preload = selectsFrom("credit_cards").get(0);
        if (postgres()) {
            assertThat(preload).contains("= ANY($1)");
        }
        else {
            assertThat(preload).containsPattern("(?i)IN \\(");
        }
        assertThat(preload).containsPattern("(?i)deleted_at[\"`]? IS NULL");
    }

    @Test
    void preloadBelongsToSharesDeduplicatedTargets() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("company"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").company.name).isEqualTo("acme");
        assertThat(u.get("bob").company).isSameAs(u.get("ann").company).isSameAs(u.get("eve").company);
        assertThat(u.get("dan").company.name).isEqualTo("globex");
        assertThat(u.get("cid").company).isNull();
        assertThat(this.statements).hasSize(2);
        if (!postgres()) {
            // Two distinct company keys among five users (one null): two binds, not four.
            assertThat(placeholders(selectsFrom("companies").get(0))).isEqualTo(2);
        }
    }

    @Test
    void preloadSendsNoQueryWithoutKeys() {
        seed();
        List<User> none = awaitAll(users().where("name = ?", "nobody").preload("creditCard").preload("company"));
        assertThat(none).isEmpty();
        assertThat(this.statements).hasSize(1);
        this.statements.clear();
        List<User> ann = awaitAll(users().where("name = ?", "ann").preload("manager"));
        assertThat(ann).hasSize(1);
        assertThat(ann.get(0).manager).isNull();
        assertThat(this.statements).as("ann has no manager: no key, no query").hasSize(1);
    }

    @Test
    void preloadNestedPathLoadsEveryLevel() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("account.bank"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").account.number).isEqualTo("a1");
        assertThat(u.get("ann").account.bank.name).isEqualTo("bank-a");
        assertThat(u.get("bob").account.bank.name).isEqualTo("bank-b");
        assertThat(u.get("dan").account.bank).isSameAs(u.get("ann").account.bank);
        assertThat(u.get("cid").account).isNull();
        assertThat(u.get("eve").account).as("soft-deleted account").isNull();
        assertThat(this.statements).hasSize(3);
        assertThat(selectsFrom("accounts")).hasSize(1);
        assertThat(selectsFrom("banks")).hasSize(1);
        assertThat(this.statements.get(1)).containsIgnoringCase("accounts");
        assertThat(this.statements.get(2)).containsIgnoringCase("banks");
    }

    @Test
    void preloadSelfReferenceTwoLevels() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("manager.manager"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").manager).isNull();
        assertThat(u.get("bob").manager.name).isEqualTo("ann");
        assertThat(u.get("bob").manager.manager).isNull();
        assertThat(u.get("cid").manager.name).isEqualTo("bob");
        assertThat(u.get("cid").manager.manager.name).isEqualTo("ann");
        assertThat(u.get("eve").manager.name).isEqualTo("cid");
        assertThat(u.get("eve").manager.manager.name).isEqualTo("bob");
        assertThat(u.get("eve").manager.manager.manager).as("only two levels asked for").isNull();
        assertThat(this.statements).hasSize(3);
        assertThat(selectsFrom("users")).hasSize(3);
    }

    @Test
    void preloadPolymorphicRoutesByOwnerType() {
        migrate(Dog.class, Cat.class, Toy.class);
        this.jdbc.update("INSERT INTO dogs (id, name) VALUES (1, 'rex'), (2, 'fido')");
        this.jdbc.update("INSERT INTO cats (id, name) VALUES (1, 'tom'), (2, 'kitty')");
        this.jdbc.update("INSERT INTO toys (id, name, owner_id, owner_type) VALUES (1, 'bone', 1, 'dogs'), "
                + "(2, 'yarn', 1, 'cats'), (3, 'mouse', 2, 'cats')");
        List<Dog> dogs = awaitAll(this.db.repository(Dog.class).findAll().orderBy("id").preload("toy"));
        assertThat(dogs).extracting(d -> d.name).containsExactly("rex", "fido");
        assertThat(dogs.get(0).toy.name).isEqualTo("bone");
        assertThat(dogs.get(1).toy).as("toy 3 belongs to cat 2, not dog 2").isNull();
        List<Cat> cats = awaitAll(this.db.repository(Cat.class).findAll().orderBy("id").preload("toy"));
        assertThat(cats.get(0).toy.name).as("cat 1 gets yarn, not the dog's bone").isEqualTo("yarn");
        assertThat(cats.get(1).toy.name).isEqualTo("mouse");
        assertThat(this.statements).hasSize(4);
        assertThat(selectsFrom("toys")).allSatisfy(s -> assertThat(s).containsIgnoringCase("owner_type"));
    }

    @Test
    void preloadRunsOneStatementPerAssociationPerBatch() {
        seed();
        Relata small = relata(2);
        List<User> users = awaitAll(small.repository(User.class).findAll().orderBy("id")
                .preload("creditCard").preload("company"));
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "cid", "dan", "eve");
        assertThat(card(users.get(1))).isEqualTo("c2-a-new");
        assertThat(users.get(4).company.name).isEqualTo("acme");
        // 5 owners in batches of 2: 3 batches per association; cid's batch still queries its card (the key is his id).
        assertThat(this.statements).hasSize(1 + 3 + 3);
        assertThat(selectsFrom("credit_cards")).hasSize(3);
        assertThat(selectsFrom("companies")).hasSize(3);
        if (postgres()) {
            assertThat(selectsFrom("credit_cards")).as("one array bind: the text never changes with the batch")
                    .containsOnly(selectsFrom("credit_cards").get(0));
        }
    }

    @Test
    void batchesGrowUpToPreloadMaxBatchSize() {
        seed();
        Relata growing = relata(b -> b.preloadBatchSize(1).preloadMaxBatchSize(2));
        List<User> users = awaitAll(growing.repository(User.class).findAll().orderBy("id")
                .preload("creditCard").preload("company"));
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "cid", "dan", "eve");
        assertThat(users).extracting(u -> card(u)).containsExactly("c1", "c2-a-new", null, null, "c5");
        assertThat(users).extracting(u -> u.company == null ? null : u.company.name)
                .containsExactly("acme", "acme", null, "globex", "acme");
        // 5 owners in batches of 1, then 2, then 2 (at most 2): 3 batches per association, not 5.
        assertThat(selectsFrom("credit_cards")).hasSize(3);
        assertThat(selectsFrom("companies")).hasSize(3);
    }

    @Test
    void byDefaultBatchesGrowOnlyWhereTheKeySetIsOneArray() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int owners = 2500;
        for (int from = 1; from <= owners; from += 500) {
            StringBuilder users = new StringBuilder("INSERT INTO users (id, name) VALUES ");
            StringBuilder cards = new StringBuilder("INSERT INTO credit_cards (id, number, user_id) VALUES ");
            for (int id = from; id < from + 500; id++) {
                users.append(id == from ? "" : ", ").append("(").append(id).append(", 'u").append(id).append("')");
                cards.append(id == from ? "" : ", ").append("(").append(id).append(", 'c").append(id).append("', ")
                        .append(id).append(")");
            }
            this.jdbc.update(users.toString());
            this.jdbc.update(cards.toString());
        }
        Relata defaults = relata(b -> b);
        List<User> users = awaitAll(defaults.repository(User.class).findAll().orderBy("id").preload("creditCard"));
        assertThat(users).hasSize(owners).allSatisfy(u -> assertThat(card(u)).isEqualTo("c" + u.getId()));
        if (postgres()) {
            // A first batch of 1,000 owners, then one of up to 2,000: the statement is the same whatever the keys.
            assertThat(selectsFrom("credit_cards")).hasSize(2);
        }
        else {
            // IN lists cost per key and have a bind limit: every batch has the default 1,000 owners.
            assertThat(selectsFrom("credit_cards")).hasSize(3);
        }
    }

    @Test
    void siblingPreloadsRunInNameOrder() {
        seed();
        awaitAll(users().findAll().preload("manager").preload("creditCard").preload("account"));
        assertThat(this.statements).hasSize(4);
        assertThat(this.statements.get(1)).containsIgnoringCase("accounts");
        assertThat(this.statements.get(2)).containsIgnoringCase("credit_cards");
        assertThat(this.statements.get(3)).containsPattern("(?i)FROM [\"`]?users");
    }

    @Test
    void preloadIsCaseInsensitive() {
        seed();
        List<User> users = awaitAll(users().where("name = ?", "bob").preload("CREDITCARD").preload("Account.BANK"));
        assertThat(card(users.get(0))).isEqualTo("c2-a-new");
        assertThat(users.get(0).account.bank.name).isEqualTo("bank-b");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (2) conditions, customizers, preloadAll, soft delete, greatest key, bad input

    @Test
    void preloadWithConditionFiltersTargets() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("creditCard", "number LIKE ?", "c2%"));
        assertThat(users).extracting(u -> card(u)).containsExactly(null, "c2-a-new", null, null, null);
        assertThat(this.statements).hasSize(2);
    }

    @Test
    void preloadConditionValuesAreAlwaysBound() {
        seed();
        String evil = "x'; DROP TABLE users; --";
        List<User> users = awaitAll(users().findAll().preload("creditCard", "number = ?", evil));
        assertThat(users).hasSize(5).allSatisfy(u -> assertThat(u.creditCard).isNull());
        assertThat(this.statements).noneMatch(s -> s.contains("DROP"));
        assertThat(this.jdbc.count("SELECT COUNT(*) FROM users")).isEqualTo(5);
    }

    @Test
    void nestedConditionAppliesToTheLastLevel() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("account.bank", "name = ?", "bank-b"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").account.number).as("accounts are not filtered").isEqualTo("a1");
        assertThat(u.get("ann").account.bank).isNull();
        assertThat(u.get("bob").account.bank.name).isEqualTo("bank-b");
        assertThat(this.statements).hasSize(3);
    }

    @Test
    void conditionOnTheParentLevelLimitsTheNestedLevel() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id")
                .preload("account", "number = ?", "a2").preload("account.bank"));
        Map<String, User> u = byName(users);
        assertThat(u.get("ann").account).isNull();
        assertThat(u.get("bob").account.bank.name).isEqualTo("bank-b");
        assertThat(this.statements).hasSize(3);
    }

    @Test
    void preloadWithCustomizer() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id")
                .preload("creditCard", q -> q.where("number LIKE ?", "c%").unscoped()));
        assertThat(users).extracting(u -> card(u)).containsExactly("c1", "c2-a-new", "c3-gone", null, "c5");
        assertThat(this.statements).hasSize(2);
    }

    @Test
    void greatestPrimaryKeyWinsWhateverTheOrder() {
        seed();
        for (String order : List.of("id DESC", "id", "number DESC", "number")) {
            List<User> bob = awaitAll(users().where("name = ?", "bob")
                    .preload("creditCard", q -> q.orderBy(order)));
            assertThat(card(bob.get(0))).as(order).isEqualTo("c2-a-new");
        }
    }

    @Test
    void customizerMustReturnTheQueryItWasGiven() {
        seed();
        Query<Object> foreign = this.db.<Object>repository(cast(Company.class)).findAll();
        assertThatThrownBy(() -> awaitAll(users().findAll().preload("creditCard", q -> foreign)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("creditCard");
    }

    @SuppressWarnings("unchecked")
    private static Class<Object> cast(Class<?> type) {
        return (Class<Object>) type;
    }

    @Test
    void preloadAllLoadsEveryDirectAssociationInNameOrder() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preloadAll());
        Map<String, User> u = byName(users);
        assertThat(u.get("bob").account.number).isEqualTo("a2");
        assertThat(u.get("bob").account.bank).as("direct associations only").isNull();
        assertThat(u.get("bob").company.name).isEqualTo("acme");
        assertThat(card(u.get("bob"))).isEqualTo("c2-a-new");
        assertThat(u.get("bob").manager.name).isEqualTo("ann");
        assertThat(this.statements).hasSize(5);
        assertThat(this.statements.get(1)).containsIgnoringCase("accounts");
        assertThat(this.statements.get(2)).containsIgnoringCase("companies");
        assertThat(this.statements.get(3)).containsIgnoringCase("credit_cards");
        assertThat(this.statements.get(4)).containsPattern("(?i)FROM [\"`]?users");
    }

    @Test
    void unscopedQuerySeesSoftDeletedTargets() {
        seed();
        this.jdbc.update("UPDATE users SET deleted_at = ? WHERE name = 'ann'",
                java.sql.Timestamp.valueOf("2024-01-01 00:00:00"));
        Map<String, User> scoped = byName(awaitAll(users().findAll().preload("creditCard").preload("manager")));
        assertThat(scoped).doesNotContainKey("ann");
        assertThat(scoped.get("bob").manager).as("soft-deleted manager").isNull();
        assertThat(card(scoped.get("cid"))).isNull();
        Map<String, User> all = byName(awaitAll(users().findAll().unscoped().preload("creditCard")
                .preload("account").preload("manager")));
        assertThat(all.get("ann").creditCard.number).isEqualTo("c1");
        assertThat(card(all.get("cid"))).isEqualTo("c3-gone");
        assertThat(all.get("eve").account.number).isEqualTo("a5");
        assertThat(all.get("bob").manager.name).isEqualTo("ann");
        Map<String, User> repoUnscoped = byName(awaitAll(users().unscoped().findAll().preload("creditCard")));
        assertThat(card(repoUnscoped.get("cid"))).isEqualTo("c3-gone");
    }

    @Test
    void unknownPathFailsBeforeAnySql() {
        seed();
        assertThatThrownBy(() -> users().findAll().preload("acount"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("User")
                .hasMessageContaining("acount")
                .hasMessageContaining("account").hasMessageContaining("creditCard")
                .hasMessageContaining("company").hasMessageContaining("manager");
        assertThatThrownBy(() -> users().findAll().preload("account.bnk"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Account").hasMessageContaining("bnk").hasMessageContaining("bank");
        assertThatThrownBy(() -> users().findAll().preload("creditCard", "number = ?"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> users().findAll().preload(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("creditCard");
        assertThat(this.statements).isEmpty();
    }

    @Test
    void preloadedQueryIsColdAndReusable() {
        seed();
        Query<User> query = users().findAll().orderBy("id").preload("creditCard");
        assertThat(this.statements).isEmpty();
        assertThat(awaitAll(query)).extracting(u -> card(u)).containsExactly("c1", "c2-a-new", null, null, "c5");
        assertThat(awaitAll(query.flux())).extracting(u -> card(u))
                .containsExactly("c1", "c2-a-new", null, null, "c5");
        assertThat(this.statements).hasSize(4);
        User first = await(users().findAll().preload("creditCard").first());
        assertThat(first.name).isEqualTo("ann");
        assertThat(card(first)).isEqualTo("c1");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (4) large key sets

    @Test
    void preloadsOneHundredThousandKeysInOneBatch() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int n = 100_000;
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n));
        // One batch holds every key, beyond any database's bind limit (65,535 on PostgreSQL).
        Relata big = relata(2 * n);
        List<User> users = awaitAll(big.repository(User.class).findAll().preload("creditCard"));
        assertThat(users).hasSize(n);
        for (User u : users) {
            assertThat(u.creditCard).as(u.name).isNotNull();
            assertThat(u.creditCard.number).isEqualTo("c" + u.getId());
        }
        assertThat(selectsFrom("users")).hasSize(1);
        if (database() == TestDatabase.POSTGRES) {
            assertThat(selectsFrom("credit_cards")).as("one array bind").hasSize(1);
        }
        else {
            assertThat(selectsFrom("credit_cards")).as("IN lists below the bind limit").hasSizeGreaterThan(1)
                    .allSatisfy(s -> assertThat(placeholders(s)).isLessThanOrEqualTo(big.dialect().maxBindParameters()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // (5) transactions: one connection, no deadlock, still streaming

    @Test
    void preloadInsideTransaction() {
        seed();
        List<User> users = awaitAll(this.db.inTransaction(tx -> tx.repository(User.class).findAll().orderBy("id")
                .preload("creditCard").preload("account.bank").preload("manager")));
        assertThat(users).extracting(u -> u.name).containsExactly("ann", "bob", "cid", "dan", "eve");
        assertThat(card(users.get(1))).isEqualTo("c2-a-new");
        assertThat(users.get(3).account.bank.name).isEqualTo("bank-a");
        assertThat(users.get(2).manager.name).isEqualTo("bob");
        User first = awaitAll(this.db.inTransaction(tx -> tx.repository(User.class).findAll().preload("creditCard")
                .first())).get(0);
        assertThat(card(first)).isEqualTo("c1");
    }

    @Test
    void transactionStreamsPiecesInterleavedWithPreloads() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int n = 1_000;
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n));
        Relata small = relata(100);
        List<String> seenAtFirst = new ArrayList<>();
        List<User> users = awaitAll(small.inTransaction(tx -> Flux.from(tx.repository(User.class).findAll()
                .preload("creditCard"))
                .doOnNext(u -> {
                    if (seenAtFirst.isEmpty()) {
                        seenAtFirst.addAll(this.statements);
                    }
                })));
        assertThat(users).hasSize(n);
        assertThat(users).extracting(u -> u.getId()).isSorted();
        assertThat(users).allSatisfy(u -> assertThat(u.creditCard.number).isEqualTo("c" + u.getId()));
        // Reads of owners (FETCH from a cursor on PostgreSQL, pages elsewhere) alternate with the preloads.
        List<String> kinds = new ArrayList<>();
        for (String s : this.statements) {
            if (s.toUpperCase(java.util.Locale.ROOT).contains("CREDIT_CARDS")) {
                kinds.add("preload");
            }
            else if (s.startsWith("FETCH") || s.startsWith("SELECT")) {
                kinds.add("owners");
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n / 100; i++) {
            expected.add("owners");
            expected.add("preload");
        }
        expected.add("owners"); // the read that finds the end
        assertThat(kinds).isEqualTo(expected);
        if (postgres()) {
            assertThat(this.statements).anyMatch(s -> s.startsWith("DECLARE"));
            assertThat(statementsStartingWith("FETCH 100 FROM")).hasSize(n / 100 + 1);
            assertThat(statementsStartingWith("CLOSE")).hasSize(1);
        }
        assertThat(seenAtFirst).as("the first owner is emitted after the first piece, not after all of them")
                .filteredOn(s -> s.toUpperCase(java.util.Locale.ROOT).contains("CREDIT_CARDS")).hasSize(1);
    }

    @Test
    void transactionPagesHonourOrderLimitAndOffset() {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        int n = 250;
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n) + " WHERE MOD(x, 2) = 0");
        Relata small = relata(40);
        List<User> desc = awaitAll(small.inTransaction(tx -> tx.repository(User.class).findAll()
                .orderBy("id DESC").offset(5).limit(101).preload("creditCard")));
        assertThat(desc).extracting(u -> u.getId()).isEqualTo(range(245, 145));
        assertThat(desc).allSatisfy(u -> assertThat(card(u)).isEqualTo(u.getId() % 2 == 0 ? "c" + u.getId() : null));
        List<User> asc = awaitAll(small.inTransaction(tx -> tx.repository(User.class).where("id > ?", 10)
                .offset(3).limit(120).preload("creditCard")));
        assertThat(asc).extracting(u -> u.getId()).isEqualTo(range(14, 133));
        List<User> all = awaitAll(small.inTransaction(tx -> tx.repository(User.class).findAll().preload("creditCard")));
        assertThat(all).hasSize(n);
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        if (from <= to) {
            for (long i = from; i <= to; i++) {
                out.add(i);
            }
        }
        else {
            for (long i = from; i >= to; i--) {
                out.add(i);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // (6) cancellation returns every connection

    /** A pool of our own, so the test can read its metrics (Relata does not wrap a pool it is given). */
    protected ConnectionPool pool() {
        String url = this.fresh.r2dbcUrl();
        if (postgres() && !url.contains("forceBinary")) {
            url = url + (url.contains("?") ? "&" : "?") + "forceBinary=true";
        }
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(url))
                .initialSize(0).maxSize(10).build());
        this.pools.add(pool);
        return pool;
    }

    private final List<ConnectionPool> pools = new ArrayList<>();

    @AfterEach
    void disposePools() {
        for (ConnectionPool pool : this.pools) {
            pool.disposeLater().block(TIMEOUT);
        }
    }

    private void seedUsersWithCards(int n) {
        migrate(Company.class, Bank.class, User.class, Account.class, CreditCard.class);
        this.jdbc.update("INSERT INTO companies (id, name) VALUES (1, 'acme')");
        this.jdbc.update("INSERT INTO users (id, name, company_id) SELECT x, CONCAT('u', x), 1 FROM " + series(n));
        this.jdbc.update("INSERT INTO credit_cards (id, number, user_id) SELECT x, CONCAT('c', x), x FROM "
                + series(n));
    }

    private static void awaitReleased(ConnectionPool pool) {
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(metrics.acquiredSize()).as("acquired").isZero();
            assertThat(metrics.pendingAcquireSize()).as("pending").isZero();
            assertThat(metrics.idleSize()).as("idle").isEqualTo(metrics.allocatedSize());
        });
    }

    @Test
    void cancellingAStreamingPreloadReturnsEveryConnection() {
        seedUsersWithCards(20_000);
        ConnectionPool pool = pool();
        Relata relata = Relata.builder(pool).onStatement(this.statements::add).preloadBatchSize(100).build();
        Flux<User> users = Flux.from(relata.repository(User.class).findAll().orderBy("id")
                .preload("creditCard").preload("company"));
        // take() cancels part-way, with the owner query still streaming and preload batches in flight.
        List<User> first = awaitAll(users.take(250));
        assertThat(first).hasSize(250).allSatisfy(u -> {
            assertThat(u.creditCard.number).isEqualTo("c" + u.getId());
            assertThat(u.company.name).isEqualTo("acme");
        });
        assertThat(pool.getMetrics().orElseThrow().getMaxAllocatedSize()).isEqualTo(10);
        awaitReleased(pool);
        // A cancel in the middle of a batch, from a subscriber that asked for a little at a time.
        List<User> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
        users.subscribe(new BaseSubscriber<User>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(User user) {
                seen.add(user);
                if (seen.size() == 1_234) {
                    cancel();
                    cancelled.countDown();
                }
                else {
                    request(1);
                }
            }
        });
        Awaitility.await().atMost(TIMEOUT).until(() -> cancelled.getCount() == 0);
        awaitReleased(pool);
        // The pool still works: every connection is usable again.
        assertThat(awaitAll(relata.repository(User.class).where("id <= ?", 300).preload("creditCard")))
                .hasSize(300);
        awaitReleased(pool);
    }

    @Test
    void cancellingAPreloadInsideATransactionRollsBackAndReturnsTheConnection() {
        seedUsersWithCards(5_000);
        ConnectionPool pool = pool();
        Relata relata = Relata.builder(pool).onStatement(this.statements::add).preloadBatchSize(100).build();
        List<User> first = awaitAll(relata.inTransaction(tx -> Flux.from(tx.repository(User.class).findAll()
                .preload("creditCard").preload("company"))).take(333));
        assertThat(first).hasSize(333).allSatisfy(u -> assertThat(u.creditCard).isNotNull());
        awaitReleased(pool);
        assertThat(awaitAll(relata.inTransaction(tx -> tx.repository(User.class).where("id > ?", 4_900)
                .preload("creditCard")))).hasSize(100);
        awaitReleased(pool);
    }

    @Test
    void failingPreloadReturnsEveryConnection() {
        seedUsersWithCards(3_000);
        ConnectionPool pool = pool();
        Relata relata = Relata.builder(pool).preloadBatchSize(100).build();
        assertThatThrownBy(() -> awaitAll(relata.repository(User.class).findAll()
                .preload("creditCard", "no_such_column = ?", 1)))
                .isInstanceOf(io.r2dbc.spi.R2dbcException.class);
        awaitReleased(pool);
    }
}
