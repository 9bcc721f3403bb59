package io.relata.examples.web;

/** A posted user that cannot be saved as it is; answered with 400 before any statement is sent. */
public class InvalidUserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidUserException(String message) {
        super(message);
    }
}
