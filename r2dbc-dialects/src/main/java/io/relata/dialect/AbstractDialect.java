package io.relata.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the built-in dialects share: quoting with a doubled quote character, column types from a table,
 * chunked {@code IN} key sets, enum binding by name and the whole read conversion ({@link #fromDatabase}).
 * Subclasses supply the facts that differ and the few bind conversions their driver needs.
 */
abstract class AbstractDialect implements Dialect {

    /**
     * The greatest {@code IN} list. jOOQ's {@code AbstractInList} chunks at 1000, and on H2 ten 1k lists beat one
     * 10k list (162 ms vs 611 ms for 10,000 keys, shared/DRIVERS.md).
     */
    static final int IN_LIST_CHUNK = 1000;

    /**
     * PostgreSQL's wire protocol counts parameters in an Int16: 65,536 binds fail with "invalid message format"
     * (verified with r2dbc-postgresql 1.1.1.RELEASE on PostgreSQL 15). The same number is the limit of MariaDB's
     * binary protocol: with {@code useServerPrepStmts=true} r2dbc-mariadb 1.4.0 fails on 65,536 with "Prepared
     * statement contains too many placeholders" (its default text protocol took 100,000). H2 2.4.240 took 100,000
     * through r2dbc-h2 1.1.0.RELEASE and documents no limit; 65,535 keeps one rule for all three.
     */
    static final int MAX_BINDS_16_BIT = 65_535;

    private static final ClassValue<Map<String, Object>> ENUM_CONSTANTS = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            Map<String, Object> constants = new HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                constants.put(((Enum<?>) constant).name(), constant);
            }
            return Map.copyOf(constants);
        }
    };

    private final String name;

    private final String quote;

    private final String doubledQuote;

    private final Map<Class<?>, String> columnTypes;

    /**
     * @param name the metadata name
     * @param quote the identifier quote character
     * @param columnTypes column types by boxed Java type; enums need no entry
     */
    AbstractDialect(String name, char quote, Map<Class<?>, String> columnTypes) {
        this.name = name;
        this.quote = String.valueOf(quote);
        this.doubledQuote = this.quote + this.quote;
        this.columnTypes = Map.copyOf(columnTypes);
    }

    @Override
    public final String name() {
        return this.name;
    }

    @Override
    public String quote(String identifier) {
        Objects.requireNonNull(identifier, "identifier must not be null");
        return this.quote + identifier.replace(this.quote, this.doubledQuote) + this.quote;
    }

    @Override
    public final String columnType(Class<?> javaType) {
        Objects.requireNonNull(javaType, "javaType must not be null");
        if (javaType.isEnum()) {
            return "VARCHAR(255)";
        }
        String type = this.columnTypes.get(box(javaType));
        if (type == null) {
            throw new IllegalArgumentException("No " + this.name + " column type for Java type " + javaType.getTypeName());
        }
        return type;
    }

    @Override
    public final String identityColumn(Class<?> javaType) {
        Objects.requireNonNull(javaType, "javaType must not be null");
        Class<?> boxed = box(javaType);
        if (boxed == Long.class) {
            return identityColumn("BIGINT");
        }
        if (boxed == Integer.class) {
            return identityColumn("INTEGER");
        }
        throw new IllegalArgumentException("A generated " + this.name + " key must be Long or Integer, not "
                + javaType.getTypeName());
    }

    /**
     * The identity column definition for an integer SQL type.
     *
     * @param sqlType {@code BIGINT} or {@code INTEGER}
     * @return the definition
     */
    abstract String identityColumn(String sqlType);

    /** {@code <verb><table> (<columns>) VALUES (?, ?), (?, ?)}, after checking the arguments. */
    final StringBuilder insertValues(String verb, String table, List<String> columns, List<String> keyColumns,
            int rows) {
        checkInsert(columns, keyColumns, rows);
        StringBuilder sql = new StringBuilder(64 + rows * columns.size() * 3).append(verb).append(quote(table))
                .append(" (").append(quoted(columns)).append(") VALUES ");
        appendRows(sql, columns.size(), rows);
        return sql;
    }

    static void checkInsert(List<String> columns, List<String> keyColumns, int rows) {
        if (rows < 1 || columns.isEmpty() || keyColumns.isEmpty()) {
            throw new IllegalArgumentException("An insert needs rows, columns and key columns: " + rows + " rows of "
                    + columns + " keyed by " + keyColumns);
        }
    }

    /** {@code (?, ?), (?, ?)}: {@code rows} rows of {@code width} markers. */
    static void appendRows(StringBuilder sql, int width, int rows) {
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < width; c++) {
                sql.append(c == 0 ? "?" : ", ?");
            }
            sql.append(')');
        }
    }

    /** The quoted identifiers, comma-separated. */
    final String quoted(List<String> identifiers) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < identifiers.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(identifiers.get(i)));
        }
        return out.toString();
    }

    @Override
    public int maxBindParameters() {
        return MAX_BINDS_16_BIT;
    }

    @Override
    public List<KeySetCondition> keySet(String column, List<?> keys, Class<?> keyType, int reservedBinds) {
        int available = availableBinds(column, keys, keyType, reservedBinds);
        int size = keys.size();
        if (size == 0) {
            return List.of();
        }
        int chunk = Math.min(IN_LIST_CHUNK, available);
        List<KeySetCondition> conditions = new ArrayList<>((size + chunk - 1) / chunk);
        for (int from = 0; from < size; from += chunk) {
            int count = Math.min(chunk, size - from);
            conditions.add(inList(column, keys.subList(from, from + count), count == chunk ? chunk : padded(count, chunk)));
        }
        return conditions;
    }

    /**
     * Checks the key-set arguments.
     *
     * @return how many binds a condition may use
     */
    final int availableBinds(String column, List<?> keys, Class<?> keyType, int reservedBinds) {
        Objects.requireNonNull(column, "column must not be null");
        Objects.requireNonNull(keys, "keys must not be null");
        Objects.requireNonNull(keyType, "keyType must not be null");
        if (reservedBinds < 0) {
            throw new IllegalArgumentException("reservedBinds must not be negative: " + reservedBinds);
        }
        int available = maxBindParameters() - reservedBinds;
        if (available < 1) {
            throw new IllegalArgumentException("No bind left for keys: the statement already needs " + reservedBinds
                    + " of " + this.name + "'s " + maxBindParameters());
        }
        return available;
    }

    /**
     * The length a short last chunk is padded to: the next power of two, at most {@code chunk}. Each distinct list
     * length is one more prepared statement in the driver's cache (r2dbc-postgresql caches by SQL text), so padding
     * leaves about log2(1000) + 1 shapes instead of 1000. jOOQ pads the same way ({@code AbstractInList},
     * {@code inListPadding}); repeating a value inside {@code IN} does not change the result.
     */
    static int padded(int count, int chunk) {
        int power = count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
        return Math.min(power, chunk);
    }

    private static KeySetCondition inList(String column, List<?> keys, int length) {
        List<Object> binds = new ArrayList<>(length);
        binds.addAll(keys);
        Object last = keys.get(keys.size() - 1);
        while (binds.size() < length) {
            binds.add(last);
        }
        if (length == 1) {
            return new KeySetCondition(column + " = ?", binds);
        }
        return new KeySetCondition(column + " IN (?" + ", ?".repeat(length - 1) + ")", binds);
    }

    @Override
    public final Object toDatabase(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        return bindValue(value);
    }

    /**
     * The dialect's own bind conversion of a non-enum value; identity by default.
     *
     * @param value a non-null value that is not an enum
     * @return the value to bind
     */
    Object bindValue(Object value) {
        return value;
    }

    @Override
    public final Class<?> nullBindType(Class<?> javaType) {
        Objects.requireNonNull(javaType, "javaType must not be null");
        if (javaType.isEnum()) {
            return String.class;
        }
        return bindType(box(javaType));
    }

    /**
     * The class {@link #bindValue(Object)} turns values of a boxed type into; identity by default.
     *
     * @param boxed a boxed, non-enum type
     * @return the bound class
     */
    Class<?> bindType(Class<?> boxed) {
        return boxed;
    }

    @Override
    public final @Nullable Object fromDatabase(@Nullable Object raw, Class<?> javaType) {
        // Row mapping calls this for every column: the driver's type usually already is the field's type.
        if (javaType.isInstance(raw)) {
            return javaType == OffsetDateTime.class ? atUtc((OffsetDateTime) raw) : raw;
        }
        if (raw == null) {
            return javaType.isPrimitive() ? zero(javaType) : null;
        }
        Class<?> target = javaType;
        if (javaType.isPrimitive()) {
            target = box(javaType);
            if (target.isInstance(raw)) {
                return raw;
            }
        }
        return convert(raw, target, javaType);
    }

    @Override
    public String toString() {
        return this.name;
    }

    private static Object convert(Object raw, Class<?> target, Class<?> javaType) {
        try {
            if (raw instanceof Number number) {
                Object converted = fromNumber(number, target);
                if (converted != null) {
                    return converted;
                }
            }
            else if (raw instanceof CharSequence text) {
                Object converted = fromText(text.toString(), target);
                if (converted != null) {
                    return converted;
                }
            }
            else if (target == Instant.class) {
                // MariaDB DATETIME(6) reads as LocalDateTime (verified with r2dbc-mariadb 1.4.0); Relata stores it in UTC.
                if (raw instanceof OffsetDateTime odt) {
                    return odt.toInstant();
                }
                if (raw instanceof LocalDateTime ldt) {
                    return ldt.toInstant(ZoneOffset.UTC);
                }
                if (raw instanceof ZonedDateTime zdt) {
                    return zdt.toInstant();
                }
            }
            else if (target == OffsetDateTime.class) {
                if (raw instanceof Instant instant) {
                    return instant.atOffset(ZoneOffset.UTC);
                }
                if (raw instanceof LocalDateTime ldt) {
                    return ldt.atOffset(ZoneOffset.UTC);
                }
                if (raw instanceof ZonedDateTime zdt) {
                    return zdt.toInstant().atOffset(ZoneOffset.UTC);
                }
            }
            else if (target == LocalDateTime.class) {
                if (raw instanceof OffsetDateTime odt) {
                    return odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                }
                if (raw instanceof Instant instant) {
                    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
                }
                if (raw instanceof ZonedDateTime zdt) {
                    return LocalDateTime.ofInstant(zdt.toInstant(), ZoneOffset.UTC);
                }
            }
            else if (target == String.class) {
                if (raw instanceof UUID || raw instanceof Character) {
                    return raw.toString();
                }
            }
            else if (target == byte[].class) {
                // BYTEA (r2dbc-postgresql 1.1.1.RELEASE) and LONGBLOB (r2dbc-mariadb 1.4.0) come back as ByteBuffer.
                if (raw instanceof ByteBuffer buffer) {
                    ByteBuffer view = buffer.duplicate();
                    byte[] bytes = new byte[view.remaining()];
                    view.get(bytes);
                    return bytes;
                }
            }
        }
        catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("Cannot convert a " + raw.getClass().getName() + " to "
                    + javaType.getTypeName() + " without loss", e);
        }
        return mismatch(raw, javaType);
    }

    /**
     * Offsets are not data: r2dbc-postgresql 1.1.1.RELEASE reads TIMESTAMP WITH TIME ZONE at the session offset,
     * which the driver takes from the JVM default zone (+02:00 under Europe/Berlin), H2 keeps the offset that was
     * written and MariaDB has none. Reading every OffsetDateTime at UTC gives one answer on all three.
     */
    private static OffsetDateTime atUtc(OffsetDateTime odt) {
        return odt.getOffset().equals(ZoneOffset.UTC) ? odt : odt.withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static Object mismatch(Object raw, Class<?> javaType) {
        throw new IllegalArgumentException("Cannot convert a value of type " + raw.getClass().getName() + " to "
                + javaType.getTypeName());
    }

    /**
     * Converts a number exactly (integral targets reject fractions and overflow with ArithmeticException);
     * {@code null} when the target is not numeric or Boolean.
     */
    private static @Nullable Object fromNumber(Number number, Class<?> target) {
        if (target == Long.class) {
            return exactLong(number);
        }
        if (target == Integer.class) {
            return Math.toIntExact(exactLong(number));
        }
        if (target == Short.class) {
            long value = exactLong(number);
            if (value != (short) value) {
                throw new ArithmeticException("short overflow");
            }
            return (short) value;
        }
        if (target == Byte.class) {
            long value = exactLong(number);
            if (value != (byte) value) {
                throw new ArithmeticException("byte overflow");
            }
            return (byte) value;
        }
        if (target == Double.class) {
            return number.doubleValue();
        }
        if (target == Float.class) {
            return number.floatValue();
        }
        if (target == BigDecimal.class) {
            return bigDecimal(number);
        }
        if (target == BigInteger.class) {
            return number instanceof BigDecimal decimal ? decimal.toBigIntegerExact()
                    : isIntegral(number) ? BigInteger.valueOf(number.longValue())
                    : bigDecimal(number).toBigIntegerExact();
        }
        if (target == Boolean.class) {
            // MariaDB's BOOLEAN is TINYINT(1): Boolean by default, Byte with tinyInt1isBit=false (r2dbc-mariadb 1.4.0).
            if (number instanceof BigDecimal decimal) {
                return decimal.signum() != 0;
            }
            if (number instanceof BigInteger integer) {
                return integer.signum() != 0;
            }
            return number.doubleValue() != 0;
        }
        return null;
    }

    private static boolean isIntegral(Number number) {
        return number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte;
    }

    private static long exactLong(Number number) {
        if (isIntegral(number)) {
            return number.longValue();
        }
        if (number instanceof BigDecimal decimal) {
            return decimal.longValueExact();
        }
        if (number instanceof BigInteger integer) {
            return integer.longValueExact();
        }
        return bigDecimal(number).longValueExact();
    }

    private static BigDecimal bigDecimal(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (isIntegral(number)) {
            return BigDecimal.valueOf(number.longValue());
        }
        if (number instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        // Float.toString and Double.toString give the shortest decimal that reads back as the same value, so a
        // REAL 0.1f becomes 0.1 and not 0.100000001490116...; NaN and infinities fail with NumberFormatException.
        return new BigDecimal(number.toString());
    }

    /** Converts text to UUID (MariaDB's CHAR(36)), an enum constant or a char; {@code null} for other targets. */
    private static @Nullable Object fromText(String text, Class<?> target) {
        if (target == UUID.class) {
            try {
                return UUID.fromString(text.trim());
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot convert a java.lang.String to java.util.UUID: " + e.getMessage(), e);
            }
        }
        if (target.isEnum()) {
            Object constant = ENUM_CONSTANTS.get(target).get(text);
            if (constant == null) {
                throw new IllegalArgumentException("No constant '" + text + "' in enum " + target.getName());
            }
            return constant;
        }
        if (target == String.class) {
            return text;
        }
        if (target == Character.class && text.length() == 1) {
            return text.charAt(0);
        }
        return null;
    }

    /**
     * The boxed class of a primitive type, or the type itself.
     *
     * @param type any class
     * @return the boxed class
     */
    static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        if (type == char.class) {
            return Character.class;
        }
        return Void.class;
    }

    private static @Nullable Object zero(Class<?> primitive) {
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == double.class) {
            return 0d;
        }
        if (primitive == short.class) {
            return (short) 0;
        }
        if (primitive == float.class) {
            return 0f;
        }
        if (primitive == byte.class) {
            return (byte) 0;
        }
        if (primitive == char.class) {
            return '\0';
        }
        return null;
    }

    /**
     * The column types every built-in dialect shares; dialects put their own on top.
     *
     * @return a mutable map by boxed Java type
     */
    static Map<Class<?>, String> commonColumnTypes() {
        Map<Class<?>, String> types = new HashMap<>();
        types.put(Long.class, "BIGINT");
        types.put(Integer.class, "INTEGER");
        types.put(Short.class, "SMALLINT");
        types.put(Boolean.class, "BOOLEAN");
        // 255 characters stay indexable on MariaDB/InnoDB with utf8mb4 (1,020 of 3,072 key bytes).
        types.put(String.class, "VARCHAR(255)");
        types.put(LocalDate.class, "DATE");
        return types;
    }

    /**
     * The common types plus the SQL-standard ones PostgreSQL and H2 share: exact decimals, floating point, zoned
     * and local timestamps, and a native {@code UUID}.
     *
     * @return a new, mutable map by boxed Java type
     */
    static Map<Class<?>, String> standardColumnTypes() {
        Map<Class<?>, String> types = commonColumnTypes();
        types.put(java.math.BigDecimal.class, "NUMERIC(38,10)");
        types.put(Double.class, "DOUBLE PRECISION");
        types.put(Float.class, "REAL");
        types.put(Instant.class, "TIMESTAMP WITH TIME ZONE");
        types.put(OffsetDateTime.class, "TIMESTAMP WITH TIME ZONE");
        types.put(LocalDateTime.class, "TIMESTAMP");
        types.put(UUID.class, "UUID");
        return types;
    }

    /**
     * The numbered marker {@code $1}, {@code $2}, ... of a 0-based index (PostgreSQL; H2 accepts it too).
     *
     * @param index the 0-based parameter index
     * @return the marker
     */
    static String numberedPlaceholder(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        return "$" + (index + 1);
    }
}
