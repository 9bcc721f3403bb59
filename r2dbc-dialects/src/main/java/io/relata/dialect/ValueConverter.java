package io.relata.dialect;

/**
 * One exact conversion from values of one class to another, chosen once (by {@link Conversions#converter}) and then
 * applied to every value of a column, so the per-row path does no lookup.
 */
@FunctionalInterface
public interface ValueConverter {

    /**
     * Converts a value exactly.
     *
     * @param value a non-null value of the class the converter was chosen for
     * @return the converted value, never {@code null}
     * @throws IllegalArgumentException when the value has no exact counterpart (a fraction into an integer, a number
     *         out of range, text that is no number or UUID, a digit the target would drop); the message names the value
     *         and the reason
     */
    Object convert(Object value);
}
