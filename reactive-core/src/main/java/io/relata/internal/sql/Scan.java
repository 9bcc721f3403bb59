package io.relata.internal.sql;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SqlScanner} found in a piece of SQL.
 *
 * @param placeholders the placeholders, in order
 * @param scopeProblem the first construct that could reach outside a condition's parentheses, or {@code null}
 * @param markerProblem the first misuse of a parameter marker, or {@code null}
 */
public record Scan(List<Placeholder> placeholders, @Nullable Problem scopeProblem, @Nullable Problem markerProblem) {

    /**
     * A {@code ?} outside literals and comments.
     *
     * @param offset where the {@code ?} is
     * @param listStart where {@code IN} (or {@code NOT IN}) before it starts, or -1 when it does not follow one
     * @param listEnd the end of {@code IN ?} or {@code IN (?)}, or -1
     * @param negated whether it follows {@code NOT IN}
     */
    public record Placeholder(int offset, int listStart, int listEnd, boolean negated) {

        /** @return whether the placeholder is the operand of {@code [NOT] IN} */
        public boolean inList() {
            return this.listStart >= 0;
        }
    }

    /**
     * Something that keeps SQL from being used as it is.
     *
     * @param offset where in the text
     * @param message what and why
     */
    public record Problem(int offset, String message) {
    }
}
