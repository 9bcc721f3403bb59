package io.relata.dialect;

import java.time.Duration;
import java.util.Objects;

/** Checks and converts the timeouts dialects render into SQL. */
final class Timeouts {

    private Timeouts() {
    }

    /**
     * The timeout in milliseconds, exactly: every database here takes whole milliseconds at most (PostgreSQL's
     * {@code statement_timeout} and H2's {@code QUERY_TIMEOUT} are 32-bit millisecond counts), and zero would
     * switch the timeout off, so anything else is rejected rather than rounded.
     */
    static long millis(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative() || timeout.isZero() || timeout.getNano() % 1_000_000 != 0
                || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("a statement timeout must be a positive whole number of milliseconds "
                    + "of at most " + Integer.MAX_VALUE + " ms: " + timeout);
        }
        return timeout.toMillis();
    }
}
