package io.relata;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Relata#validate(Class[])} found when it compared entities with the live schema: every problem at once,
 * each naming the entity, field, table and column it concerns. Immutable.
 *
 * <pre>{@code
 * Mono<Void> check = db.validate(User.class, CreditCard.class)
 *         .flatMap(report -> report.isValid() ? Mono.empty()
 *                 : Mono.error(new IllegalStateException(report.toString())));   // every problem, one per line
 * }</pre>
 */
public final class SchemaReport {

    private final List<Problem> problems;

    private SchemaReport(List<Problem> problems) {
        this.problems = List.copyOf(problems);
    }

    /**
     * A report of problems.
     *
     * @param problems the problems, in the order they were found (empty when the schema matches)
     * @return the report
     * @throws NullPointerException when {@code problems} or one of them is {@code null}
     */
    public static SchemaReport of(List<Problem> problems) {
        return new SchemaReport(Objects.requireNonNull(problems, "problems must not be null"));
    }

    /**
     * The problems found.
     *
     * @return the problems, empty when the schema matches the entities
     */
    public List<Problem> problems() {
        return this.problems;
    }

    /**
     * Whether the schema matches the entities.
     *
     * @return {@code true} when there is no problem
     */
    public boolean isValid() {
        return this.problems.isEmpty();
    }

    /**
     * A readable account: {@code "The schema matches the entities"}, or the number of problems followed by one line
     * per problem.
     *
     * @return the account
     */
    @Override
    public String toString() {
        if (this.problems.isEmpty()) {
            return "The schema matches the entities";
        }
        StringBuilder out = new StringBuilder().append(this.problems.size())
                .append(this.problems.size() == 1 ? " schema problem:" : " schema problems:");
        for (Problem problem : this.problems) {
            out.append("\n  - ").append(problem);
        }
        return out.toString();
    }

    /** What kind of mismatch a problem is. */
    public enum Kind {
        /** The entity's table does not exist. */
        MISSING_TABLE,
        /** A mapped field has no column. */
        MISSING_COLUMN,
        /** A column's type cannot hold the field's values (no exact conversion between them). */
        INCOMPATIBLE_TYPE,
        /**
         * No index starts with a foreign-key column, so every preload batch and join scans the target table; the
         * message carries the {@code CREATE INDEX} that fixes it.
         */
        MISSING_FOREIGN_KEY_INDEX,
        /**
         * A foreign key's column and the key it references have types no constraint can join (a {@code varchar}
         * holding a {@code bigint} key's values): Relata converts the values, but the database checks nothing.
         */
        FOREIGN_KEY_TYPE_MISMATCH
    }

    /**
     * One mismatch between an entity and the live schema.
     *
     * @param entity the entity class's simple name
     * @param field the Java field, or {@code null} when the problem is the whole table
     * @param table the table
     * @param column the column, or {@code null} when the problem is the whole table
     * @param kind what kind of mismatch
     * @param message what is wrong, with the types involved, and what to do
     */
    public record Problem(String entity, @Nullable String field, String table, @Nullable String column, Kind kind,
            String message) {

        /**
         * Checks the parts.
         *
         * @param entity the entity
         * @param field the field, or {@code null}
         * @param table the table
         * @param column the column, or {@code null}
         * @param kind the kind
         * @param message the message
         * @throws NullPointerException when a required part is {@code null}
         */
        public Problem {
            Objects.requireNonNull(entity, "entity must not be null");
            Objects.requireNonNull(table, "table must not be null");
            Objects.requireNonNull(kind, "kind must not be null");
            Objects.requireNonNull(message, "message must not be null");
        }

        /**
         * One line: kind, where, and the message.
         *
         * @return {@code KIND entity.field (table.column): message}
         */
        @Override
        public String toString() {
            return this.kind + " " + this.entity + (this.field != null ? "." + this.field : "") + " (" + this.table
                    + (this.column != null ? "." + this.column : "") + "): " + this.message;
        }
    }
}
