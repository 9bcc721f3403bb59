package io.relata.benchmarks.model;

import io.relata.Model;

/**
 * The has-many target. {@code migrate} indexes {@code customer_id} (the foreign key of a has-many), as a real schema
 * would for this lookup.
 */
public class Order extends Model {

    public String number;

    public Long customerId;

    public Order() {
    }
}
