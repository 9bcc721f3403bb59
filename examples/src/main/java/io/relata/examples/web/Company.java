package io.relata.examples.web;

import io.relata.annotation.UniqueIndex;

/** A company users belong to; its name is unique. */
public class Company {

    Long id;

    @UniqueIndex
    String name;

    Company() {
    }

    Company(String name) {
        this.name = name;
    }
}
