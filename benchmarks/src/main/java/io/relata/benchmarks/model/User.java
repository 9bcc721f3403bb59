package io.relata.benchmarks.model;

import io.relata.Model;

/** An owner: has one credit card (the card has {@code userId}), belongs to a company ({@code companyId}). */
public class User extends Model {

    public String name;

    public Long companyId;

    public Company company;

    public CreditCard creditCard;

    public User() {
    }

    public User(String name, Long companyId) {
        this.name = name;
        this.companyId = companyId;
    }
}
