package io.relata;

/**
 * An entity or relationship that cannot be mapped: an unsupported field type, a missing primary key or
 * no-argument constructor, or a relationship whose foreign key cannot be found. Thrown when the entity is first
 * used ({@link Relata#repository(Class)} or {@link Relata#migrate(Class[])}); the message names the class, the
 * field and, for relationships, every key name that was looked for.
 */
public class MappingException extends RelataException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what cannot be mapped, and why
     */
    public MappingException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what cannot be mapped, and why
     * @param cause the underlying error
     */
    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
