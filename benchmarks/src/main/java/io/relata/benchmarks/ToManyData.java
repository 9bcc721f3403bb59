package io.relata.benchmarks;

import io.relata.Relata;
import io.relata.benchmarks.model.Customer;
import io.relata.benchmarks.model.Order;
import java.util.List;
import java.util.function.Function;

/**
 * The to-many data set: {@code owners} customers ({@code id} 1..n), each with {@link #PER_OWNER} orders whose
 * {@code created_at} goes back one day per order, so "the latest three" is well defined. Schema by Relata's
 * {@code migrate} (which indexes {@code orders.customer_id}); rows by set-based SQL.
 */
final class ToManyData {

    static final int PER_OWNER = 10;

    static final int LATEST = 3;

    private ToManyData() {
    }

    static void seed(BenchDb bench, Relata relata, int owners) {
        for (String table : List.of("orders", "customers")) {
            BenchDb.exec(relata, "DROP TABLE IF EXISTS " + table + (bench.postgres() ? " CASCADE" : ""));
        }
        relata.migrate(Customer.class, Order.class).block(BenchDb.TIMEOUT);
        if (bench.postgres()) {
            BenchDb.exec(relata, "INSERT INTO customers (created_at, updated_at, name) SELECT now(), now(), "
                    + "'customer ' || g FROM generate_series(1, " + owners + ") g");
            BenchDb.exec(relata, "INSERT INTO orders (created_at, updated_at, number, customer_id) SELECT "
                    + "now() - k * interval '1 day', now(), 'order ' || g || '-' || k, g FROM generate_series(1, "
                    + owners + ") g CROSS JOIN generate_series(1, " + PER_OWNER + ") k");
            BenchDb.exec(relata, "VACUUM ANALYZE customers");
            BenchDb.exec(relata, "VACUUM ANALYZE orders");
        }
        else {
            BenchDb.exec(relata, "INSERT INTO customers (created_at, updated_at, name) SELECT CURRENT_TIMESTAMP, "
                    + "CURRENT_TIMESTAMP, 'customer ' || X FROM SYSTEM_RANGE(1, " + owners + ")");
            BenchDb.exec(relata, "INSERT INTO orders (created_at, updated_at, number, customer_id) SELECT "
                    + "DATEADD(DAY, -K.X, CURRENT_TIMESTAMP), CURRENT_TIMESTAMP, 'order ' || G.X || '-' || K.X, G.X "
                    + "FROM SYSTEM_RANGE(1, " + owners + ") G CROSS JOIN SYSTEM_RANGE(1, " + PER_OWNER + ") K");
            BenchDb.exec(relata, "ANALYZE");
        }
        long orders = BenchDb.count(relata, Order.class);
        if (BenchDb.count(relata, Customer.class) != owners || orders != (long) owners * PER_OWNER) {
            throw new IllegalStateException("seeding failed: " + orders + " orders");
        }
    }

    /**
     * Checks that every owner is there once with exactly {@code each} orders of its own.
     *
     * @return the result
     */
    static <C, O> List<C> check(String what, List<C> result, int owners, int each, Function<C, Long> id,
            Function<C, List<O>> orders, Function<O, Long> orderOwner) {
        if (result.size() != owners) {
            throw new IllegalStateException(what + ": " + result.size() + " owners, expected " + owners);
        }
        for (C c : result) {
            List<O> list = orders.apply(c);
            if (list == null || list.size() != each) {
                throw new IllegalStateException(what + ": owner " + id.apply(c) + " has "
                        + (list == null ? null : list.size()) + " orders, expected " + each);
            }
            for (O o : list) {
                if (!id.apply(c).equals(orderOwner.apply(o))) {
                    throw new IllegalStateException(what + ": owner " + id.apply(c) + " got an order of "
                            + orderOwner.apply(o));
                }
            }
        }
        return result;
    }

    static List<Customer> check(String what, List<Customer> result, int owners, int each) {
        return check(what, result, owners, each, Customer::getId, c -> c.orders, o -> o.customerId);
    }
}
