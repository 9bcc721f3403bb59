package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import io.relata.benchmarks.model.CreditCard;
import io.relata.benchmarks.model.User;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The best hand-written R2DBC we know for each scenario (shared/DRIVERS.md): binary rows on PostgreSQL
 * ({@code forceBinary=true} plus a fetch size on parameterless statements so the driver uses the extended
 * protocol), the key set bound as one {@code Long[]} to {@code = ANY($1)} on PostgreSQL and 1,000-key {@code IN}
 * chunks on H2 (the fastest there), columns read by index, cards stitched through a {@link HashMap}. It reads the
 * same columns with the same soft-delete filter as Relata, into the same entity classes.
 */
public final class HandWritten {

    static final String USER_COLUMNS = "id, created_at, updated_at, deleted_at, name, company_id";

    static final String CARD_COLUMNS = "id, created_at, updated_at, deleted_at, number, user_id";

    static final String USERS = "SELECT " + USER_COLUMNS + " FROM users WHERE deleted_at IS NULL";

    static final String CARDS_ANY = "SELECT " + CARD_COLUMNS + " FROM credit_cards WHERE user_id = ANY($1) "
            + "AND deleted_at IS NULL";

    static final String JOIN = "SELECT u.id, u.created_at, u.updated_at, u.deleted_at, u.name, u.company_id, "
            + "c.id, c.created_at, c.updated_at, c.deleted_at, c.number, c.user_id "
            + "FROM users u LEFT JOIN credit_cards c ON c.user_id = u.id AND c.deleted_at IS NULL "
            + "WHERE u.deleted_at IS NULL";

    static final int H2_IN_CHUNK = 1000;

    static final int INSERT_ROWS = 1000;

    private final ConnectionPool pool;

    private final boolean postgres;

    public HandWritten(ConnectionPool pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    // ---- reading

    static User user(Readable row, int at) {
        User u = new User();
        u.setId(row.get(at, Long.class));
        u.setCreatedAt(instant(row.get(at + 1, OffsetDateTime.class)));
        u.setUpdatedAt(instant(row.get(at + 2, OffsetDateTime.class)));
        u.setDeletedAt(instant(row.get(at + 3, OffsetDateTime.class)));
        u.name = row.get(at + 4, String.class);
        u.companyId = row.get(at + 5, Long.class);
        return u;
    }

    static CreditCard card(Readable row, int at) {
        Long id = row.get(at, Long.class);
        if (id == null) {
            return null;
        }
        CreditCard c = new CreditCard();
        c.setId(id);
        c.setCreatedAt(instant(row.get(at + 1, OffsetDateTime.class)));
        c.setUpdatedAt(instant(row.get(at + 2, OffsetDateTime.class)));
        c.setDeletedAt(instant(row.get(at + 3, OffsetDateTime.class)));
        c.number = row.get(at + 4, String.class);
        c.userId = row.get(at + 5, Long.class);
        return c;
    }

    private static java.time.Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private Statement parameterless(Connection c, String sql) {
        Statement s = c.createStatement(sql);
        if (this.postgres) {
            // Extended protocol (binary rows) without a cursor: one Execute for the whole result.
            s.fetchSize(Integer.MAX_VALUE);
        }
        return s;
    }

    Flux<User> users(Connection c) {
        return Flux.from(parameterless(c, USERS).execute()).concatMap(r -> r.map(row -> user(row, 0)));
    }

    /** Owners, then their cards with one key-set query, stitched through a HashMap; one connection. */
    public Mono<List<User>> twoQueries() {
        return Mono.usingWhen(this.pool.create(),
                c -> users(c).collectList().flatMap(users -> attachCards(c, users)),
                Connection::close);
    }

    /** Loads and attaches the cards of a batch of owners. */
    Mono<List<User>> attachCards(Connection c, List<User> users) {
        if (users.isEmpty()) {
            return Mono.just(users);
        }
        Long[] keys = new Long[users.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = users.get(i).getId();
        }
        Flux<CreditCard> cards;
        if (this.postgres) {
            cards = Flux.from(c.createStatement(CARDS_ANY).bind(0, keys).execute())
                    .concatMap(r -> r.map(row -> card(row, 0)));
        }
        else {
            // One statement per chunk, created only when the previous one has finished: r2dbc-h2 gave too few
            // rows (8,101 of 9,000) when all chunk statements were created up front on one connection.
            int chunks = (keys.length + H2_IN_CHUNK - 1) / H2_IN_CHUNK;
            cards = Flux.range(0, chunks).concatMap(chunk -> {
                int from = chunk * H2_IN_CHUNK;
                int to = Math.min(keys.length, from + H2_IN_CHUNK);
                StringBuilder sql = new StringBuilder("SELECT ").append(CARD_COLUMNS)
                        .append(" FROM credit_cards WHERE deleted_at IS NULL AND user_id IN (");
                for (int i = from; i < to; i++) {
                    sql.append(i == from ? "$" : ", $").append(i - from + 1);
                }
                Statement s = c.createStatement(sql.append(')').toString());
                for (int i = from; i < to; i++) {
                    s.bind(i - from, keys[i]);
                }
                return Flux.from(s.execute()).concatMap(r -> r.map(row -> card(row, 0)));
            });
        }
        return cards.collect(() -> new HashMap<Long, CreditCard>(keys.length * 2),
                        (m, card) -> m.put(card.userId, card))
                .map(byUser -> stitch(users, byUser));
    }

    private static List<User> stitch(List<User> users, Map<Long, CreditCard> byUser) {
        for (User u : users) {
            u.creditCard = byUser.get(u.getId());
        }
        return users;
    }

    /** The same result from one LEFT JOIN statement. */
    public Mono<List<User>> leftJoin() {
        return Flux.usingWhen(this.pool.create(),
                c -> Flux.from(parameterless(c, JOIN).execute()).concatMap(r -> r.map(row -> {
                    User u = user(row, 0);
                    u.creditCard = card(row, 6);
                    return u;
                })),
                Connection::close).collectList();
    }

    /**
     * Streams the owners on one connection and loads each batch of cards (one key-set query) on a second one, the
     * next batch streaming in while a batch's cards load.
     */
    public Flux<User> stream(int batchSize) {
        return Flux.usingWhen(this.pool.create(),
                second -> Flux.usingWhen(this.pool.create(),
                        first -> users(first).buffer(batchSize).concatMap(batch -> attachCards(second, batch), 1),
                        Connection::close),
                Connection::close)
                .concatMapIterable(batch -> batch);
    }

    // ---- writing

    /**
     * Inserts users and their cards in one transaction with multi-row {@code INSERT}s of 1,000 rows, reading the
     * generated keys back.
     */
    public Mono<Void> insertUsersWithCards(List<User> users) {
        return Mono.usingWhen(this.pool.create(),
                c -> Mono.from(c.beginTransaction())
                        .thenMany(Flux.range(0, chunks(users.size())).concatMap(i -> insertUsers(c, chunk(users, i))))
                        .thenMany(Flux.range(0, chunks(users.size())).concatMap(i -> insertCards(c, chunk(users, i))))
                        .then(Mono.from(c.commitTransaction())),
                Connection::close,
                (c, e) -> c.rollbackTransaction(),
                Connection::rollbackTransaction);
    }

    private static int chunks(int n) {
        return (n + INSERT_ROWS - 1) / INSERT_ROWS;
    }

    private static List<User> chunk(List<User> users, int i) {
        return users.subList(i * INSERT_ROWS, Math.min(users.size(), (i + 1) * INSERT_ROWS));
    }

    private static String values(String head, int rows, int columns) {
        StringBuilder sql = new StringBuilder(head).append(" VALUES ");
        int p = 1;
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int col = 0; col < columns; col++) {
                sql.append(col == 0 ? "$" : ", $").append(p++);
            }
            sql.append(')');
        }
        return sql.toString();
    }

    private Flux<Long> insertUsers(Connection c, List<User> users) {
        Statement s = c.createStatement(values("INSERT INTO users (created_at, updated_at, name, company_id)",
                users.size(), 4));
        OffsetDateTime now = OffsetDateTime.now();
        int p = 0;
        for (User u : users) {
            s.bind(p++, now).bind(p++, now).bind(p++, u.name).bind(p++, u.companyId);
        }
        s.returnGeneratedValues("id");
        int[] at = {0};
        return Flux.from(s.execute()).concatMap(r -> r.map(row -> row.get(0, Long.class)))
                .doOnNext(id -> {
                    User u = users.get(at[0]++);
                    u.setId(id);
                    u.setCreatedAt(now.toInstant());
                    u.setUpdatedAt(now.toInstant());
                });
    }

    private Flux<Long> insertCards(Connection c, List<User> users) {
        List<CreditCard> cards = new ArrayList<>(users.size());
        for (User u : users) {
            if (u.creditCard != null) {
                u.creditCard.userId = u.getId();
                cards.add(u.creditCard);
            }
        }
        if (cards.isEmpty()) {
            return Flux.empty();
        }
        Statement s = c.createStatement(values("INSERT INTO credit_cards (created_at, updated_at, number, user_id)",
                cards.size(), 4));
        OffsetDateTime now = OffsetDateTime.now();
        int p = 0;
        for (CreditCard card : cards) {
            s.bind(p++, now).bind(p++, now).bind(p++, card.number).bind(p++, card.userId);
        }
        s.returnGeneratedValues("id");
        int[] at = {0};
        return Flux.from(s.execute()).concatMap(r -> r.map(row -> row.get(0, Long.class)))
                .doOnNext(id -> {
                    CreditCard card = cards.get(at[0]++);
                    card.setId(id);
                    card.setCreatedAt(now.toInstant());
                    card.setUpdatedAt(now.toInstant());
                });
    }
}
