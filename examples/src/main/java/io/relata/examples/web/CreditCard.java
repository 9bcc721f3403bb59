package io.relata.examples.web;

import io.relata.Model;
import io.relata.annotation.Index;
import io.relata.annotation.UniqueIndex;

/** A user's credit card (has-one through {@code userId}); its number is unique. */
public class CreditCard extends Model {

    @UniqueIndex
    String number;

    // Indexed: every preload of cards looks them up by user_id (= ANY($1) on PostgreSQL), and without an index each
    // batch scans the whole table (100,000 users took minutes instead of seconds).
    @Index
    Long userId;

    CreditCard() {
    }

    CreditCard(String number) {
        this.number = number;
    }
}
