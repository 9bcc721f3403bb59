package io.relata.benchmarks.model;

/** The belongs-to target (not a {@code Model}: no timestamps, no soft delete). */
public class Company {

    public Long id;

    public String name;

    public Company() {
    }
}
