package io.relata.examples.web;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/**
 * Client errors as RFC 9457 problem details ({@code application/problem+json}) that say what was wrong.
 */
@RestControllerAdvice
class ErrorAdvice {

    /** Malformed JSON, a missing body, a path variable that is not a number. */
    @ExceptionHandler(ServerWebInputException.class)
    ProblemDetail badInput(ServerWebInputException ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String reason = ex.getReason() == null ? "Bad request" : ex.getReason();
        String detail = cause == ex ? reason : reason + ": " + cause.getMessage();
        return problem(HttpStatus.BAD_REQUEST, "Bad request", detail);
    }

    @ExceptionHandler(InvalidUserException.class)
    ProblemDetail invalid(InvalidUserException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid user", ex.getMessage());
    }

    /** A unique index (card number, company name) refused the write; the transaction rolled everything back. */
    @ExceptionHandler(R2dbcDataIntegrityViolationException.class)
    ProblemDetail conflict(R2dbcDataIntegrityViolationException ex) {
        return problem(HttpStatus.CONFLICT, "Constraint violation", ex.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
