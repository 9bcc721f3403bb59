package io.relata.benchmarks.model;

import io.relata.Model;
import io.relata.annotation.Index;

/** The has-one target. The index on {@code user_id} is what any real schema has for this lookup. */
public class CreditCard extends Model {

    public String number;

    @Index
    public Long userId;

    public CreditCard() {
    }

    public CreditCard(String number) {
        this.number = number;
    }
}
