package io.relata.benchmarks.model;

import io.relata.Model;
import java.util.List;

/** A to-many owner: has many orders (an order has {@code customerId}). */
public class Customer extends Model {

    public String name;

    public List<Order> orders;

    public Customer() {
    }
}
