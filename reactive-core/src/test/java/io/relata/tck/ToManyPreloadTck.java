package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactories;
import io.relata.Relata;
import io.relata.Repository;
import io.relata.annotation.ManyToMany;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Preloading to-many associations on every database: one statement per association per batch of owners, lists in
 * primary-key order and empty (never {@code null}) without targets, nested paths, conditions and customizers, limits
 * per owner (a window function), batches cut by rows when owners have many targets, large key sets, transactions and
 * cancellation. Fixtures are plain SQL over JDBC, so nothing here depends on cascading saves.
 */
public abstract class ToManyPreloadTck extends AssociationTestSupport {

    public static class User {
        Long id;
        String name;
        List<Order> orders;
        @ManyToMany(joinTable = "user_languages")
        List<Language> languages;
    }

    public static class Order {
        Long id;
        Long userId;
        String number;
        Instant createdAt;
        Instant deletedAt;
        List<Item> items;
    }

    public static class Item {
        Long id;
        Long orderId;
        Long productId;
        Product product;
    }

    public static class Product {
        Long id;
        String name;
    }

    public static class Language {
        Long id;
        String name;
    }

    private final List<Relata> extra = new ArrayList<>();

    private final List<ConnectionPool> pools = new ArrayList<>();

    @AfterEach
    void closeExtra() {
        for (Relata r : this.extra) {
            r.close().block(TIMEOUT);
        }
        for (ConnectionPool pool : this.pools) {
            pool.disposeLater().block(TIMEOUT);
        }
    }

    private Relata relata(int batchSize, int maxRows) {
        Relata r = Relata.builder(this.fresh.r2dbcUrl()).onStatement(this.statements::add)
                .preloadBatchSize(batchSize).preloadMaxRows(maxRows).build();
        this.extra.add(r);
        // A new instance reads each table's catalog once, on first use; read here, so that the statements the tests
        // count are the queries' own.
        r.validate(User.class, Order.class, Item.class, Product.class, Language.class).block(TIMEOUT);
        this.statements.clear();
        return r;
    }

    private Repository<User> users() {
        return this.db.repository(User.class);
    }

    private static String at(int day) {
        return String.format("2024-01-%02d 00:00:00", day);
    }

    /**
     * ann(1): orders 3 "a-3" (day 3), 1 "a-1" (day 1), 5 "a-5" (day 5), and 7 soft-deleted; bob(2): 2 "b-2" (day 2);
     * cid(3): none; dan(4): 4 "d-4" (day 4), 6 "d-6" (day 6). Items: order 1 has two (products p1, p2), order 2 one
     * (p1). Languages: ann EN and FR, bob FR, cid DE, dan none.
     */
    private void seed() {
        migrate(User.class, Order.class, Item.class, Product.class, Language.class);
        this.jdbc.update("INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cid'), (4, 'dan')");
        for (int[] o : new int[][] {{3, 1}, {1, 1}, {5, 1}, {2, 2}, {4, 4}, {6, 4}}) {
            String number = (o[1] == 1 ? "a" : o[1] == 2 ? "b" : "d") + "-" + o[0];
            this.jdbc.update("INSERT INTO orders (id, user_id, number, created_at) VALUES (?, ?, ?, ?)", o[0], o[1],
                    number, java.sql.Timestamp.valueOf(at(o[0])));
        }
        this.jdbc.update("INSERT INTO orders (id, user_id, number, created_at, deleted_at) VALUES (7, 1, 'a-7', ?, ?)",
                java.sql.Timestamp.valueOf(at(7)), java.sql.Timestamp.valueOf(at(8)));
        this.jdbc.update("INSERT INTO products (id, name) VALUES (1, 'p1'), (2, 'p2')");
        this.jdbc.update("INSERT INTO items (id, order_id, product_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1)");
        this.jdbc.update("INSERT INTO languages (id, name) VALUES (1, 'EN'), (2, 'FR'), (3, 'DE')");
        this.jdbc.update("INSERT INTO user_languages (user_id, language_id) VALUES (1, 2), (1, 1), (2, 2), (3, 3)");
    }

    private static List<String> numbers(User u) {
        return u.orders.stream().map(o -> o.number).toList();
    }

    private static List<String> names(User u) {
        return u.languages.stream().map(l -> l.name).toList();
    }

    // ================================================================ lists, order, statements

    @Test
    void preloadGivesEveryOwnerItsListInPrimaryKeyOrderInTwoStatements() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("orders"));
        assertThat(users).extracting(ToManyPreloadTck::numbers).containsExactly(List.of("a-1", "a-3", "a-5"),
                List.of("b-2"), List.of(), List.of("d-4", "d-6"));
        assertThat(users.get(2).orders).as("empty, never null").isNotNull();
        assertThat(this.statements).hasSize(2);
        String preload = unquoted(this.statements.get(1));
        assertThat(preload).contains("orders.deleted_at is null").endsWith("order by orders.id");
        if (postgres()) {
            assertThat(preload).contains("orders.user_id = any($1)");
        }
        List<User> all = awaitAll(users().findAll().unscoped().orderBy("id").preload("orders"));
        assertThat(numbers(all.get(0))).as("unscoped sees the soft-deleted order").contains("a-7");
    }

    @Test
    void manyToManyPreloadIsOneStatementJoiningTheJoinTable() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("languages"));
        assertThat(users).extracting(ToManyPreloadTck::names).containsExactly(List.of("EN", "FR"), List.of("FR"),
                List.of("DE"), List.of());
        assertThat(users.get(0).languages.get(1)).isSameAs(users.get(1).languages.get(0));
        assertThat(this.statements).hasSize(2);
        assertThat(unquoted(this.statements.get(1))).contains("from languages inner join user_languages on "
                + "user_languages.language_id = languages.id");
    }

    @Test
    void nestedPathsLoadEveryLevelOnceEach() {
        seed();
        List<User> users = awaitAll(users().findAll().orderBy("id").preload("orders.items.product")
                .preload("languages"));
        User ann = users.get(0);
        assertThat(ann.orders.get(0).items).extracting(i -> i.product.name).containsExactly("p1", "p2");
        assertThat(ann.orders.get(1).items).isEmpty();
        assertThat(users.get(1).orders.get(0).items.get(0).product).as("shared product, one instance")
                .isSameAs(ann.orders.get(0).items.get(0).product);
        // users, languages, orders, items, products: siblings in name order, nested levels after their parent.
        assertThat(this.statements).hasSize(5);
        assertThat(unquoted(this.statements.get(1))).contains("from languages");
        assertThat(unquoted(this.statements.get(2))).contains("from orders");
        assertThat(unquoted(this.statements.get(3))).contains("from items");
        assertThat(unquoted(this.statements.get(4))).contains("from products");
    }

    @Test
    void conditionsAndCustomizersApplyToTheTargets() {
        seed();
        List<User> byCondition = awaitAll(users().findAll().orderBy("id").preload("orders", "number LIKE ?", "%-5"));
        assertThat(byCondition).extracting(ToManyPreloadTck::numbers).containsExactly(List.of("a-5"), List.of(),
                List.of(), List.of());
        List<User> newestFirst = awaitAll(users().findAll().orderBy("id")
                .preload("orders", q -> q.orderBy("created_at DESC")));
        assertThat(numbers(newestFirst.get(0))).containsExactly("a-5", "a-3", "a-1");
        assertThat(numbers(newestFirst.get(3))).containsExactly("d-6", "d-4");
        List<User> all = awaitAll(users().findAll().orderBy("id").preloadAll());
        assertThat(all.get(0).orders).hasSize(3);
        assertThat(all.get(0).languages).hasSize(2);
    }

    @Test
    void nestedToManyLevelsInsideATransactionShareItsConnection() {
        seed();
        List<User> users = awaitAll(this.db.inTransaction(tx -> tx.repository(User.class).findAll().orderBy("id")
                .preload("orders.items.product").preload("languages", q -> q.orderBy("name DESC").limit(1))));
        assertThat(users.get(0).orders.get(0).items).extracting(i -> i.product.name).containsExactly("p1", "p2");
        assertThat(users.get(1).orders.get(0).items).extracting(i -> i.product.name).containsExactly("p1");
        assertThat(users).extracting(ToManyPreloadTck::names).containsExactly(List.of("FR"), List.of("FR"),
                List.of("DE"), List.of());
    }

    // ================================================================ limits per owner

    @Test
    void aLimitInACustomizerLimitsEachOwner() {
        seed();
        UnaryOperator<io.relata.Query<Object>> latestTwo = q -> q.orderBy("created_at DESC").limit(2);
        List<String> sent = step("to-many preload: the latest two orders of each user",
                () -> assertThat(awaitAll(users().findAll().orderBy("id").preload("orders", latestTwo)))
                        .extracting(ToManyPreloadTck::numbers)
                        .containsExactly(List.of("a-5", "a-3"), List.of("b-2"), List.of(), List.of("d-6", "d-4")));
        assertThat(sent).hasSize(2);
        assertThat(unquoted(sent.get(1))).contains("row_number() over (partition by orders.user_id order by "
                + "orders.created_at desc, orders.id)").contains("relata_rn <= 2");
        List<User> second = awaitAll(users().findAll().orderBy("id")
                .preload("orders", q -> q.orderBy("created_at DESC").offset(1).limit(1)));
        assertThat(second).extracting(ToManyPreloadTck::numbers).containsExactly(List.of("a-3"), List.of(), List.of(),
                List.of("d-4"));
        List<User> firstLanguage = awaitAll(users().findAll().orderBy("id")
                .preload("languages", q -> q.orderBy("name").limit(1)));
        assertThat(firstLanguage).extracting(ToManyPreloadTck::names).containsExactly(List.of("EN"), List.of("FR"),
                List.of("DE"), List.of());
    }

    // ================================================================ batches, rows, key sets

    @Test
    void oneStatementPerAssociationPerBatchOfOwners() {
        seed();
        List<User> users = awaitAll(relata(2, Relata.DEFAULT_PRELOAD_MAX_ROWS).repository(User.class).findAll()
                .orderBy("id").preload("orders").preload("languages"));
        assertThat(users).extracting(ToManyPreloadTck::numbers).containsExactly(List.of("a-1", "a-3", "a-5"),
                List.of("b-2"), List.of(), List.of("d-4", "d-6"));
        // 4 owners in batches of 2: two batches per association.
        assertThat(this.statements).hasSize(1 + 2 + 2);
    }

    private void seedFanOut(int owners, int each, long heavyOwner, int heavy) {
        migrate(User.class, Order.class, Item.class, Product.class, Language.class);
        this.jdbc.update("INSERT INTO users (id, name) SELECT x, CONCAT('u', x) FROM " + series(owners));
        for (int k = 1; k <= each; k++) {
            this.jdbc.update("INSERT INTO orders (user_id, number) SELECT x, CONCAT('o', x, '-', " + k + ") FROM "
                    + series(owners));
        }
        if (heavy > 0) {
            this.jdbc.update("INSERT INTO orders (user_id, number) SELECT " + heavyOwner + ", CONCAT('h', x) FROM "
                    + series(heavy));
        }
    }

    @Test
    void batchesShrinkWhenOwnersHaveManyTargets() {
        // 200 owners with 3 orders each, owner 77 with 400 more; at most 50 rows per batch of up to 100 owners.
        seedFanOut(200, 3, 77, 400);
        List<User> users = awaitAll(relata(100, 50).repository(User.class).findAll().orderBy("id").preload("orders"));
        assertThat(users).hasSize(200);
        for (User u : users) {
            assertThat(u.orders).as(u.name).hasSize(u.id == 77 ? 403 : 3)
                    .allSatisfy(o -> assertThat(o.userId).isEqualTo(u.id));
        }
        assertThat(users.get(76).orders).extracting(o -> o.id).isSorted();
        // Two batches of 100 owners would be 2 statements; 50 rows hold about 16 owners of 3 orders.
        assertThat(touching("orders").size()).isGreaterThan(10);
    }

    @Test
    void batchesCutByRowsInsideATransaction() {
        seedFanOut(120, 4, 5, 300);
        Relata small = relata(40, 30);
        List<User> users = awaitAll(small.inTransaction(tx -> tx.repository(User.class).findAll()
                .preload("orders").preload("languages")));
        assertThat(users).extracting(u -> u.id).isSorted().hasSize(120);
        assertThat(users).allSatisfy(u -> assertThat(u.orders).hasSize(u.id == 5 ? 304 : 4));
        assertThat(users).allSatisfy(u -> assertThat(u.languages).isEmpty());
    }

    @Test
    void tenThousandOwnersInOneBatchStayBelowTheBindLimit() {
        seedFanOut(10_000, 2, 1, 0);
        Relata big = relata(20_000, 100_000);
        List<User> users = awaitAll(big.repository(User.class).findAll().preload("orders"));
        assertThat(users).hasSize(10_000).allSatisfy(u -> assertThat(u.orders).hasSize(2));
        List<String> preloads = touching("orders");
        if (postgres()) {
            assertThat(preloads).as("one array bind").hasSize(1);
        }
        else {
            assertThat(preloads).allSatisfy(s -> assertThat(s.chars().filter(c -> c == '?').count())
                    .isLessThanOrEqualTo(big.dialect().maxBindParameters()));
        }
    }

    // ================================================================ cancellation

    @Test
    void cancellingAStreamingToManyPreloadReturnsEveryConnection() {
        seedFanOut(3_000, 5, 1, 0);
        String url = this.fresh.r2dbcUrl();
        if (postgres() && !url.contains("forceBinary")) {
            url = url + (url.contains("?") ? "&" : "?") + "forceBinary=true";
        }
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(url))
                .initialSize(0).maxSize(10).build());
        this.pools.add(pool);
        Relata relata = Relata.builder(pool).preloadBatchSize(100).preloadMaxRows(200).build();
        List<User> first = awaitAll(Flux.from(relata.repository(User.class).findAll().orderBy("id")
                .preload("orders").preload("languages")).take(321));
        assertThat(first).hasSize(321).allSatisfy(u -> assertThat(u.orders).hasSize(5));
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(metrics.acquiredSize()).as("acquired").isZero();
            assertThat(metrics.pendingAcquireSize()).as("pending").isZero();
        });
    }
}
