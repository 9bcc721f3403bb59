package io.relata.internal.meta;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The Java types Relata maps to columns, and the small conversions between them that keys need (a {@code String}
 * foreign key holding a numeric id, an {@code Integer} key matched against a {@code Long}).
 */
public final class Types {

    private static final Set<Class<?>> SCALARS = Set.of(
            Long.class, Integer.class, Short.class, Boolean.class, String.class, BigDecimal.class, Double.class,
            Float.class, Instant.class, LocalDate.class, LocalDateTime.class, OffsetDateTime.class, UUID.class,
            byte[].class);

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            long.class, Long.class, int.class, Integer.class, short.class, Short.class, boolean.class, Boolean.class,
            double.class, Double.class, float.class, Float.class, byte.class, Byte.class, char.class, Character.class);

    private static final Map<Class<?>, Object> ZEROS = Map.of(
            long.class, 0L, int.class, 0, short.class, (short) 0, boolean.class, false, double.class, 0d,
            float.class, 0f, byte.class, (byte) 0, char.class, '\0');

    private Types() {
    }

    /**
     * Whether a field of this type is a column (as opposed to an association).
     *
     * @param type a field type
     * @return whether it is a supported scalar type or an enum
     */
    public static boolean isScalar(Class<?> type) {
        Class<?> boxed = boxed(type);
        return SCALARS.contains(boxed) || boxed.isEnum();
    }

    /**
     * The boxed type of a primitive type, or the type itself.
     *
     * @param type a type
     * @return the boxed type
     */
    public static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? BOXES.get(type) : type;
    }

    /**
     * The value a field of this type holds for SQL {@code NULL}: zero for primitives, otherwise {@code null}.
     *
     * @param type a field type
     * @return the zero value or {@code null}
     */
    public static @Nullable Object zero(Class<?> type) {
        return type.isPrimitive() ? ZEROS.get(type) : null;
    }

    /**
     * Converts a value between the types keys and columns use: numbers to numbers, numbers and UUIDs to and from
     * text, timestamps between {@code Instant}, {@code OffsetDateTime} and {@code LocalDateTime} (UTC), text to
     * enums.
     *
     * @param value a non-null value
     * @param target the wanted type (primitive or boxed)
     * @return the converted value
     * @throws IllegalArgumentException when it cannot be converted
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object convert(Object value, Class<?> target) {
        Class<?> boxed = boxed(target);
        if (boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (boxed == Long.class) {
                return n.longValue();
            }
            if (boxed == Integer.class) {
                return Math.toIntExact(n.longValue());
            }
            if (boxed == Short.class) {
                return (short) n.intValue();
            }
            if (boxed == Double.class) {
                return n.doubleValue();
            }
            if (boxed == Float.class) {
                return n.floatValue();
            }
            if (boxed == BigDecimal.class) {
                return new BigDecimal(n.toString());
            }
            if (boxed == BigInteger.class) {
                return new BigInteger(n.toString());
            }
            if (boxed == Boolean.class) {
                return n.intValue() != 0;
            }
            if (boxed == String.class) {
                return n.toString();
            }
        }
        if (value instanceof String s) {
            try {
                if (boxed == Long.class) {
                    return Long.valueOf(s.trim());
                }
                if (boxed == Integer.class) {
                    return Integer.valueOf(s.trim());
                }
                if (boxed == Short.class) {
                    return Short.valueOf(s.trim());
                }
                if (boxed == BigDecimal.class) {
                    return new BigDecimal(s.trim());
                }
                if (boxed == Double.class) {
                    return Double.valueOf(s.trim());
                }
                if (boxed == UUID.class) {
                    return UUID.fromString(s.trim());
                }
                if (boxed.isEnum()) {
                    return Enum.valueOf((Class<? extends Enum>) boxed, s);
                }
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("Cannot convert '" + s + "' to " + boxed.getSimpleName(), ex);
            }
        }
        if (boxed == String.class && (value instanceof UUID || value instanceof Enum<?>)) {
            return value instanceof Enum<?> e ? e.name() : value.toString();
        }
        if (value instanceof OffsetDateTime o) {
            if (boxed == Instant.class) {
                return o.toInstant();
            }
            if (boxed == LocalDateTime.class) {
                return o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
        }
        if (value instanceof Instant i) {
            if (boxed == OffsetDateTime.class) {
                return i.atOffset(ZoneOffset.UTC);
            }
            if (boxed == LocalDateTime.class) {
                return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            }
        }
        if (value instanceof LocalDateTime l) {
            if (boxed == Instant.class) {
                return l.toInstant(ZoneOffset.UTC);
            }
            if (boxed == OffsetDateTime.class) {
                return l.atOffset(ZoneOffset.UTC);
            }
        }
        throw new IllegalArgumentException("Cannot convert a " + value.getClass().getName() + " (" + value + ") to "
                + boxed.getName());
    }
}
