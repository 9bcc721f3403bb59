package io.relata.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * The numeric part of {@link Conversions}: every number class to every number class exactly, and text and booleans
 * to numbers. Whole numbers go through {@code long} (fast, range-checked), everything else through
 * {@link BigDecimal}, so a check never depends on binary rounding: {@code 3.9} into an {@code int}, {@code 70000}
 * into a {@code Short} and {@code 1e30} into a {@code Long} are rejected (issue 9 saw them stored as 3, 4464 and
 * 5076944270305263616).
 */
final class NumberConversions {

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private NumberConversions() {
    }

    /**
     * The converter from a class to a number class, or {@code null} when there is none.
     *
     * @param from the source class (boxed, canonical)
     * @param to a boxed number class
     * @return the converter or {@code null}
     */
    static @Nullable ValueConverter to(Class<?> from, Class<?> to) {
        if (from == String.class) {
            ValueConverter number = to(BigDecimal.class, to);
            if (number == null) {
                return null;
            }
            return value -> number.convert(parse((String) value, to));
        }
        if (from == Boolean.class) {
            ValueConverter number = to(Integer.class, to);
            return number == null ? null : value -> number.convert(((Boolean) value) ? 1 : 0);
        }
        if (from.isEnum()) {
            // An enum headed to an integer column is stored as its ordinal (read back by Conversions' toEnum).
            ValueConverter number = to(Integer.class, to);
            return number == null ? null : value -> number.convert(((Enum<?>) value).ordinal());
        }
        if (!Number.class.isAssignableFrom(from)) {
            return null;
        }
        if (to == Long.class) {
            return value -> exactLong((Number) value, Long.MIN_VALUE, Long.MAX_VALUE, to);
        }
        if (to == Integer.class) {
            return value -> (int) exactLong((Number) value, Integer.MIN_VALUE, Integer.MAX_VALUE, to);
        }
        if (to == Short.class) {
            return value -> (short) exactLong((Number) value, Short.MIN_VALUE, Short.MAX_VALUE, to);
        }
        if (to == Byte.class) {
            return value -> (byte) exactLong((Number) value, Byte.MIN_VALUE, Byte.MAX_VALUE, to);
        }
        if (to == BigDecimal.class) {
            return value -> decimal((Number) value);
        }
        if (to == BigInteger.class) {
            return value -> {
                BigDecimal decimal = decimal((Number) value);
                try {
                    return decimal.toBigIntegerExact();
                }
                catch (ArithmeticException ex) {
                    throw new IllegalArgumentException(value + " has a fraction, which a " + to.getName()
                            + " would drop", ex);
                }
            };
        }
        if (to == Double.class) {
            return value -> {
                if (value instanceof Float f) {
                    return Double.parseDouble(Float.toString(f));
                }
                BigDecimal decimal = decimal((Number) value);
                double d = decimal.doubleValue();
                if (Double.isInfinite(d) || new BigDecimal(Double.toString(d)).compareTo(decimal) != 0) {
                    throw new IllegalArgumentException(value + " has no exact " + to.getName() + " (it would become "
                            + d + ")");
                }
                return d;
            };
        }
        if (to == Float.class) {
            return value -> {
                BigDecimal decimal = decimal((Number) value);
                float f = decimal.floatValue();
                if (Float.isInfinite(f) || new BigDecimal(Float.toString(f)).compareTo(decimal) != 0) {
                    throw new IllegalArgumentException(value + " has no exact " + to.getName() + " (it would become "
                            + f + ")");
                }
                return f;
            };
        }
        return null;
    }

    private static Object parse(String text, Class<?> to) {
        try {
            return new BigDecimal(text.trim());
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + text + "' is not a number, so not a " + to.getName(), ex);
        }
    }

    private static boolean integral(Number number) {
        return number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte;
    }

    private static long exactLong(Number number, long min, long max, Class<?> to) {
        long value;
        if (integral(number)) {
            value = number.longValue();
        }
        else {
            BigDecimal decimal = decimal(number);
            if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException(number + " has a fraction, which a " + to.getName() + " would drop");
            }
            if (decimal.compareTo(LONG_MIN) < 0 || decimal.compareTo(LONG_MAX) > 0) {
                throw outOfRange(number, min, max, to);
            }
            value = decimal.longValue();
        }
        if (value < min || value > max) {
            throw outOfRange(number, min, max, to);
        }
        return value;
    }

    private static IllegalArgumentException outOfRange(Number number, long min, long max, Class<?> to) {
        return new IllegalArgumentException(number + " is out of the range of " + to.getName() + " (" + min + " to "
                + max + ")");
    }

    /**
     * A number as a decimal; a {@code float} or {@code double} as its shortest decimal form.
     *
     * @param number a number
     * @return the decimal
     * @throws IllegalArgumentException for NaN and the infinities
     */
    static BigDecimal decimal(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (integral(number)) {
            return BigDecimal.valueOf(number.longValue());
        }
        if (number instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        try {
            return new BigDecimal(number.toString());
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException(number + " is not a finite number", ex);
        }
    }
}
