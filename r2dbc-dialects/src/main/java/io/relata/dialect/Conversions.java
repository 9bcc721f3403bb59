package io.relata.dialect;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The exact conversions between the Java classes drivers read and bind and the Java types Relata maps, for one time
 * zone: the one table that row reading, binding, {@code update} values and ids all go through (a dialect adds which
 * class each of its column types is bound as, {@link Dialect#bindClass(SqlType)}). Nothing is truncated: an
 * integral target rejects fractions and values out of its range, a decimal is never rounded, and a floating-point
 * value converts only when its shortest decimal form reads back as the same value.
 *
 * <p>Values of {@code timestamp without time zone} columns ({@code LocalDateTime}) are wall times in the zone given
 * here; {@code OffsetDateTime}s are always produced at offset UTC, because the offset a driver reports is not data
 * (r2dbc-postgresql 1.1.1.RELEASE reads {@code timestamptz} at the JVM zone's offset, H2 keeps the written offset,
 * MariaDB has none). A {@code float} or {@code double} stands for its shortest decimal form
 * ({@link Float#toString(float)}): a {@code real} column's {@code 0.1f} reads into a {@code Double} field as
 * {@code 0.1}.
 *
 * <p>Instances are immutable, thread-safe and cached per zone.
 */
public final class Conversions {

    private static final ConcurrentMap<ZoneId, Conversions> BY_ZONE = new ConcurrentHashMap<>();

    private static final ValueConverter IDENTITY = value -> value;

    /**
     * The instance {@link #of} returned last: an application has one zone, and the map's lookup for every value
     * written was 2% of a 10,000-user {@code saveAll} on H2 (issue 12). Racy on purpose: instances are immutable.
     */
    private static @Nullable Conversions lastUsed;

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(long.class, Long.class, int.class, Integer.class,
            short.class, Short.class, byte.class, Byte.class, boolean.class, Boolean.class, double.class, Double.class,
            float.class, Float.class, char.class, Character.class);

    private final ZoneId zone;

    private final ClassValue<ConcurrentMap<Class<?>, Optional<ValueConverter>>> cache = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Class<?>, Optional<ValueConverter>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>(8);
        }
    };

    private Conversions(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * The conversions of a time zone.
     *
     * @param zone the zone {@code timestamp without time zone} values are wall times in
     * @return the shared instance for that zone
     */
    public static Conversions of(ZoneId zone) {
        Objects.requireNonNull(zone, "zone must not be null");
        Conversions last = lastUsed;
        if (last != null && last.zone == zone) {
            return last;
        }
        Conversions conversions = BY_ZONE.computeIfAbsent(zone, Conversions::new);
        lastUsed = conversions;
        return conversions;
    }

    /** @return the zone {@code timestamp without time zone} values are wall times in */
    public ZoneId zone() {
        return this.zone;
    }

    /**
     * The exact conversion from one class to another, chosen once for a column (primitives are boxed, an enum
     * constant's class is its enum).
     *
     * @param from the class of the values
     * @param to the wanted class
     * @return the converter (the identity when {@code from} already is a {@code to}), or {@code null} when no value
     *         of {@code from} can become a {@code to}
     */
    public @Nullable ValueConverter converter(Class<?> from, Class<?> to) {
        Class<?> source = canonical(from);
        Class<?> target = box(to);
        ConcurrentMap<Class<?>, Optional<ValueConverter>> byTarget = this.cache.get(source);
        // get first: computeIfAbsent's capturing lambda was allocated for every value written (issue 12)
        Optional<ValueConverter> found = byTarget.get(target);
        if (found == null) {
            found = byTarget.computeIfAbsent(target, t -> Optional.ofNullable(find(source, t)));
        }
        return found.orElse(null);
    }

    /**
     * Converts a value exactly.
     *
     * @param value a non-null value
     * @param to the wanted class (primitive or boxed)
     * @return the value as a {@code to}
     * @throws IllegalArgumentException when no conversion exists or this value has no exact counterpart; the message
     *         names the value, its class and the target class
     */
    public Object convert(Object value, Class<?> to) {
        Objects.requireNonNull(value, "value must not be null");
        Class<?> target = box(to);
        if (target.isInstance(value) && target != OffsetDateTime.class) {
            return value;
        }
        ValueConverter converter = converter(value.getClass(), target);
        if (converter == null) {
            throw new IllegalArgumentException("Cannot convert a " + typeName(value) + " to " + target.getName());
        }
        return converter.convert(value);
    }

    /**
     * Whether values of one class can become another at all (each value may still be rejected).
     *
     * @param from the class of the values
     * @param to the wanted class
     * @return whether {@link #converter(Class, Class)} finds a conversion
     */
    public boolean convertible(Class<?> from, Class<?> to) {
        return converter(from, to) != null;
    }

    /**
     * The boxed class of a primitive, or the class itself.
     *
     * @param type any class
     * @return the boxed class
     */
    public static Class<?> box(Class<?> type) {
        return type.isPrimitive() ? BOXES.getOrDefault(type, type) : type;
    }

    /** The name of a value's class for messages: an enum constant's enum, any buffer as ByteBuffer. */
    static String typeName(Object value) {
        return canonical(value.getClass()).getName();
    }

    private static Class<?> canonical(Class<?> type) {
        Class<?> boxed = box(type);
        if (Enum.class.isAssignableFrom(boxed) && !boxed.isEnum()) {
            return boxed.getSuperclass();
        }
        if (ByteBuffer.class.isAssignableFrom(boxed)) {
            return ByteBuffer.class;
        }
        return boxed;
    }

    private @Nullable ValueConverter find(Class<?> from, Class<?> to) {
        if (to == OffsetDateTime.class) {
            return toOffsetDateTime(from);
        }
        if (to.isAssignableFrom(from)) {
            return IDENTITY;
        }
        if (to.isEnum()) {
            return toEnum(from, to);
        }
        if (Number.class.isAssignableFrom(to)) {
            return NumberConversions.to(from, to);
        }
        if (to == String.class) {
            return toText(from);
        }
        if (to == Boolean.class) {
            return toBoolean(from);
        }
        if (to == UUID.class) {
            return toUuid(from);
        }
        if (to == byte[].class) {
            return toBytes(from);
        }
        return toTemporal(from, to);
    }

    private static @Nullable ValueConverter toText(Class<?> from) {
        if (from == BigDecimal.class) {
            return value -> ((BigDecimal) value).toPlainString();
        }
        if (from == Float.class || from == Double.class) {
            // The shortest decimal form, without an exponent: 1.0E10 becomes 10000000000.
            return value -> NumberConversions.decimal((Number) value).toPlainString();
        }
        if (Number.class.isAssignableFrom(from) || from == UUID.class || from == Character.class
                || from == Boolean.class) {
            return Object::toString;
        }
        if (from.isEnum()) {
            return value -> ((Enum<?>) value).name();
        }
        return null;
    }

    private static @Nullable ValueConverter toBoolean(Class<?> from) {
        if (Number.class.isAssignableFrom(from)) {
            // A legacy bit stored as a number (MariaDB tinyint(1), a smallint flag): 0 or 1, nothing else.
            return value -> {
                BigDecimal number = NumberConversions.decimal((Number) value);
                if (number.signum() == 0) {
                    return Boolean.FALSE;
                }
                if (number.compareTo(BigDecimal.ONE) == 0) {
                    return Boolean.TRUE;
                }
                throw new IllegalArgumentException(value + " is not a boolean (only 0 and 1 are)");
            };
        }
        if (from == String.class) {
            return value -> switch (((String) value).trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "t", "1", "y", "yes" -> Boolean.TRUE;
                case "false", "f", "0", "n", "no" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("'" + value + "' is not a boolean");
            };
        }
        return null;
    }

    private static @Nullable ValueConverter toUuid(Class<?> from) {
        if (from == String.class) {
            return value -> uuid((String) value);
        }
        if (from == byte[].class) {
            return value -> uuid(ByteBuffer.wrap((byte[]) value));
        }
        if (from == ByteBuffer.class) {
            return value -> uuid(((ByteBuffer) value).duplicate());
        }
        return null;
    }

    /**
     * A UUID in its 36-character form, or the 32 hex digits without dashes Django stores in a {@code char(32)}.
     * {@link UUID#fromString} alone would take {@code 1-2-3-4-5}.
     */
    private static UUID uuid(String text) {
        String s = text.trim();
        if (s.length() == 32 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            s = s.substring(0, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16) + "-" + s.substring(16, 20)
                    + "-" + s.substring(20);
        }
        if (s.length() != 36) {
            throw new IllegalArgumentException("'" + text + "' is not a UUID");
        }
        try {
            return UUID.fromString(s);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("'" + text + "' is not a UUID", ex);
        }
    }

    /** The 16 bytes of a {@code binary(16)} UUID column, most significant first. */
    private static UUID uuid(ByteBuffer bytes) {
        if (bytes.remaining() != 16) {
            throw new IllegalArgumentException(bytes.remaining() + " bytes are not a UUID (16 are)");
        }
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    private static @Nullable ValueConverter toBytes(Class<?> from) {
        if (from == ByteBuffer.class) {
            // bytea (r2dbc-postgresql 1.1.1.RELEASE), BLOB (r2dbc-mariadb 1.4.0, r2dbc-h2 1.1.0) read as ByteBuffer.
            return value -> {
                ByteBuffer view = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[view.remaining()];
                view.get(bytes);
                return bytes;
            };
        }
        if (from == UUID.class) {
            return value -> {
                UUID id = (UUID) value;
                return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                        .putLong(id.getLeastSignificantBits()).array();
            };
        }
        return null;
    }

    private static @Nullable ValueConverter toEnum(Class<?> from, Class<?> to) {
        Object[] constants = to.getEnumConstants();
        if (from == String.class) {
            Map<String, Object> byName = new ConcurrentHashMap<>();
            for (Object constant : constants) {
                byName.put(((Enum<?>) constant).name(), constant);
            }
            return value -> {
                // A char(n) column pads the name with blanks.
                Object constant = byName.get(((String) value).stripTrailing());
                if (constant == null) {
                    throw new IllegalArgumentException("'" + value + "' is no constant of " + to.getName());
                }
                return constant;
            };
        }
        if (Number.class.isAssignableFrom(from)) {
            // An enum stored as an integer is its ordinal (JPA's EnumType.ORDINAL, Rails' integer enums from 0).
            ValueConverter ordinal = NumberConversions.to(from, Integer.class);
            return ordinal == null ? null : value -> {
                int i = (Integer) ordinal.convert(value);
                if (i < 0 || i >= constants.length) {
                    throw new IllegalArgumentException(value + " is no ordinal of " + to.getName() + " (0 to "
                            + (constants.length - 1) + ")");
                }
                return constants[i];
            };
        }
        return null;
    }

    private @Nullable ValueConverter toOffsetDateTime(Class<?> from) {
        if (from == OffsetDateTime.class) {
            return value -> atUtc((OffsetDateTime) value);
        }
        ValueConverter instant = from == Instant.class ? IDENTITY : toTemporal(from, Instant.class);
        return instant == null ? null : new InstantToUtc(instant);
    }

    /**
     * An instant as a UTC {@code OffsetDateTime}, remembering the last conversion: the rows a batch writes share
     * their {@code created_at}/{@code updated_at} instant, and converting each again was 2% of a 10,000-user
     * {@code saveAll} on H2 (issue 12). The memo is one immutable pair, replaced racily; a lost update costs only a
     * conversion.
     */
    private static final class InstantToUtc implements ValueConverter {

        private final ValueConverter instant;

        private @Nullable Converted last;

        InstantToUtc(ValueConverter instant) {
            this.instant = instant;
        }

        @Override
        public Object convert(Object value) {
            Instant at = (Instant) this.instant.convert(value);
            Converted memo = this.last;
            if (memo != null && memo.from.equals(at)) {
                return memo.to;
            }
            OffsetDateTime converted = at.atOffset(ZoneOffset.UTC);
            this.last = new Converted(at, converted);
            return converted;
        }

        private record Converted(Instant from, OffsetDateTime to) {
        }
    }

    private static OffsetDateTime atUtc(OffsetDateTime odt) {
        return odt.getOffset().equals(ZoneOffset.UTC) ? odt : odt.withOffsetSameInstant(ZoneOffset.UTC);
    }

    private @Nullable ValueConverter toTemporal(Class<?> from, Class<?> to) {
        ZoneId zone = this.zone;
        if (to == Instant.class) {
            if (from == OffsetDateTime.class) {
                return value -> ((OffsetDateTime) value).toInstant();
            }
            if (from == ZonedDateTime.class) {
                return value -> ((ZonedDateTime) value).toInstant();
            }
            if (from == LocalDateTime.class) {
                return value -> ((LocalDateTime) value).atZone(zone).toInstant();
            }
            return null;
        }
        if (to == LocalDateTime.class) {
            if (from == Instant.class) {
                return value -> LocalDateTime.ofInstant((Instant) value, zone);
            }
            if (from == OffsetDateTime.class) {
                return value -> LocalDateTime.ofInstant(((OffsetDateTime) value).toInstant(), zone);
            }
            if (from == ZonedDateTime.class) {
                return value -> LocalDateTime.ofInstant(((ZonedDateTime) value).toInstant(), zone);
            }
            if (from == LocalDate.class) {
                return value -> ((LocalDate) value).atStartOfDay();
            }
            return null;
        }
        if (to == LocalDate.class && from == LocalDateTime.class) {
            return value -> {
                LocalDateTime ldt = (LocalDateTime) value;
                if (!ldt.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                    throw new IllegalArgumentException(ldt + " is not a date: its time of day would be lost");
                }
                return ldt.toLocalDate();
            };
        }
        return null;
    }
}
