package io.relata.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import io.relata.benchmarks.model.Customer;
import io.relata.benchmarks.model.Order;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The best hand-written R2DBC we know for a has-many, on the same terms as {@link HandWritten}: binary rows on
 * PostgreSQL, two queries on one connection (the owners, then the orders of all their keys as one {@code Long[]}
 * bound to {@code = ANY($1)}; 1,000-key {@code IN} chunks on H2), columns read by index, orders grouped per owner
 * through a {@link HashMap}, an empty list for an owner without orders. It returns what Relata returns: the same
 * columns with the same soft-delete filter, each owner's orders in primary-key order.
 */
final class HandWrittenToMany {

    static final String CUSTOMERS = "SELECT id, created_at, updated_at, deleted_at, name FROM customers "
            + "WHERE deleted_at IS NULL";

    static final String ORDER_COLUMNS = "id, created_at, updated_at, deleted_at, number, customer_id";

    static final String ORDERS_ANY = "SELECT " + ORDER_COLUMNS + " FROM orders WHERE customer_id = ANY($1) "
            + "AND deleted_at IS NULL ORDER BY id";

    /** The latest {@code n} orders of each owner: a window over each owner's orders, newest first. */
    static String latestAny(int n) {
        return "SELECT * FROM (SELECT " + ORDER_COLUMNS + ", ROW_NUMBER() OVER (PARTITION BY customer_id "
                + "ORDER BY created_at DESC, id) AS rn FROM orders WHERE customer_id = ANY($1) AND deleted_at IS NULL) p "
                + "WHERE rn <= " + n + " ORDER BY rn";
    }

    private final ConnectionPool pool;

    private final boolean postgres;

    HandWrittenToMany(ConnectionPool pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    static Customer customer(Readable row) {
        Customer c = new Customer();
        c.setId(row.get(0, Long.class));
        c.setCreatedAt(instant(row.get(1, OffsetDateTime.class)));
        c.setUpdatedAt(instant(row.get(2, OffsetDateTime.class)));
        c.setDeletedAt(instant(row.get(3, OffsetDateTime.class)));
        c.name = row.get(4, String.class);
        return c;
    }

    static Order order(Readable row) {
        Order o = new Order();
        o.setId(row.get(0, Long.class));
        o.setCreatedAt(instant(row.get(1, OffsetDateTime.class)));
        o.setUpdatedAt(instant(row.get(2, OffsetDateTime.class)));
        o.setDeletedAt(instant(row.get(3, OffsetDateTime.class)));
        o.number = row.get(4, String.class);
        o.customerId = row.get(5, Long.class);
        return o;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** The customers with all their orders. */
    Mono<List<Customer>> twoQueries() {
        return load(ORDERS_ANY, null);
    }

    /** The customers with their latest {@code n} orders (a window function per owner). */
    Mono<List<Customer>> latest(int n) {
        return load(latestAny(n), n);
    }

    private Mono<List<Customer>> load(String ordersSql, Integer latest) {
        return Mono.usingWhen(this.pool.create(), c -> {
            Statement s = c.createStatement(CUSTOMERS);
            if (this.postgres) {
                // Extended protocol (binary rows) without a cursor: one Execute for the whole result.
                s.fetchSize(Integer.MAX_VALUE);
            }
            return Flux.from(s.execute()).concatMap(r -> r.map(HandWrittenToMany::customer)).collectList()
                    .flatMap(customers -> attach(c, customers, ordersSql, latest));
        }, Connection::close);
    }

    private Mono<List<Customer>> attach(Connection c, List<Customer> customers, String ordersSql, Integer latest) {
        Long[] keys = new Long[customers.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = customers.get(i).getId();
        }
        Flux<Order> orders;
        if (this.postgres) {
            orders = Flux.from(c.createStatement(ordersSql).bind(0, keys).execute())
                    .concatMap(r -> r.map(HandWrittenToMany::order));
        }
        else {
            int chunks = (keys.length + HandWritten.H2_IN_CHUNK - 1) / HandWritten.H2_IN_CHUNK;
            orders = Flux.range(0, chunks).concatMap(chunk -> {
                int from = chunk * HandWritten.H2_IN_CHUNK;
                int to = Math.min(keys.length, from + HandWritten.H2_IN_CHUNK);
                StringBuilder in = new StringBuilder("customer_id IN (");
                for (int i = from; i < to; i++) {
                    in.append(i == from ? "$" : ", $").append(i - from + 1);
                }
                Statement s = c.createStatement(ordersSql.replace("customer_id = ANY($1)", in.append(')')));
                for (int i = from; i < to; i++) {
                    s.bind(i - from, keys[i]);
                }
                return Flux.from(s.execute()).concatMap(r -> r.map(HandWrittenToMany::order));
            });
        }
        return orders.collect(() -> new HashMap<Long, List<Order>>(keys.length * 2),
                        (m, o) -> m.computeIfAbsent(o.customerId, k -> new ArrayList<>(latest == null ? 10 : latest))
                                .add(o))
                .map(byCustomer -> stitch(customers, byCustomer));
    }

    private static List<Customer> stitch(List<Customer> customers, Map<Long, List<Order>> byCustomer) {
        for (Customer c : customers) {
            List<Order> orders = byCustomer.get(c.getId());
            c.orders = orders == null ? new ArrayList<>() : orders;
        }
        return customers;
    }
}
