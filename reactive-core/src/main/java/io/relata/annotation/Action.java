package io.relata.annotation;

/**
 * A referential action of a foreign-key constraint, for {@code ON UPDATE} and {@code ON DELETE}.
 */
public enum Action {
    /** No action given: the constraint has no {@code ON UPDATE}/{@code ON DELETE} clause (the database default). */
    DEFAULT(""),
    /** {@code CASCADE}: update or delete the referencing rows too. */
    CASCADE("CASCADE"),
    /** {@code SET NULL}: set the referencing foreign key to {@code NULL}. */
    SET_NULL("SET NULL"),
    /** {@code RESTRICT}: reject the change while rows reference it. */
    RESTRICT("RESTRICT"),
    /** {@code NO ACTION}: reject the change at the end of the statement while rows reference it. */
    NO_ACTION("NO ACTION"),
    /** {@code SET DEFAULT}: set the referencing foreign key to its column default. */
    SET_DEFAULT("SET DEFAULT");

    private final String sql;

    Action(String sql) {
        this.sql = sql;
    }

    /**
     * The SQL words of this action, such as {@code SET NULL}; empty for {@link #DEFAULT}.
     *
     * @return the SQL text
     */
    public String sql() {
        return this.sql;
    }
}
