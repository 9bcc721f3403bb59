package io.relata.internal.meta;

import io.relata.dialect.Conversions;
import java.math.BigDecimal;
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

    private static final Conversions UTC = Conversions.of(ZoneOffset.UTC);

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
     * Converts a value exactly between the types keys and fields use (a {@code String} foreign key holding a numeric
     * id, an {@code Integer} key matched against a {@code Long}), through the dialects' one conversion table
     * ({@link Conversions}): numbers are never truncated or rounded, text must parse completely. Timestamps without a
     * zone are taken as UTC here; conversions that depend on the instance's zone use its own {@link Conversions}.
     *
     * @param value a non-null value
     * @param target the wanted type (primitive or boxed)
     * @return the converted value
     * @throws IllegalArgumentException when it cannot be converted exactly, naming the value and both types
     */
    public static Object convert(Object value, Class<?> target) {
        return UTC.convert(value, target);
    }
}
