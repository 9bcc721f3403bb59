package io.relata.examples.web;

import io.relata.Model;
import io.relata.annotation.Index;

/** A user: belongs to a company ({@code companyId}), has one credit card; soft-deleted (it extends Model). */
public class User extends Model {

    @Index
    String name;

    Long companyId;

    Company company;

    CreditCard creditCard;

    User() {
    }

    User(String name) {
        this.name = name;
    }
}
