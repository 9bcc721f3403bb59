package io.relata;

/**
 * The base of Relata's own exceptions: mapping errors and association errors. Database errors are not wrapped:
 * they pass through as the driver's {@link io.r2dbc.spi.R2dbcException} subtypes, which carry the SQL.
 */
public class RelataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong
     */
    public RelataException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong
     * @param cause the underlying error
     */
    public RelataException(String message, Throwable cause) {
        super(message, cause);
    }
}
