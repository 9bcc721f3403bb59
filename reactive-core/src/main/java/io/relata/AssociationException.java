package io.relata;

/**
 * An association operation that cannot be carried out, such as association mode on an owner that has no
 * primary key yet.
 */
public class AssociationException extends RelataException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what cannot be done, and why
     */
    public AssociationException(String message) {
        super(message);
    }
}
