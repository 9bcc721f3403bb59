package io.relata.dialect;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
 * chunked {@code IN} key sets, the class each column type is bound as, and exact binding through {@link Conversions}
 * with checks that a value fits its column. Subclasses supply the facts that differ: placeholders, identity DDL,
 * catalog queries and the few bind conversions their driver needs.
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

    /** Enums are stored by name. */
    private static final String ENUM_COLUMN = "VARCHAR(255)";

    /**
     * {@code $1 .. $16384}, made once each: a 1,000-row insert of five columns renders 5,000 placeholders, and
     * concatenating each was 1% of a 10,000-user {@code saveAll} on H2 (issue 12).
     */
    private static final String[] NUMBERED = new String[16384];

    private final String name;

    private final String quote;

    private final String doubledQuote;

    private final Map<Class<?>, String> columnTypes;

    private final Map<Class<?>, SqlType> defaultTypes;

    private final SqlType enumType;

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
        Map<Class<?>, SqlType> types = new HashMap<>();
        columnTypes.forEach((type, declaration) -> types.put(type, SqlTypes.parse(declaration)));
        this.defaultTypes = Map.copyOf(types);
        this.enumType = SqlTypes.parse(ENUM_COLUMN);
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
            return ENUM_COLUMN;
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
    public SqlType sqlType(Class<?> javaType) {
        Objects.requireNonNull(javaType, "javaType must not be null");
        SqlType type = defaultType(javaType);
        if (type == null) {
            throw new IllegalArgumentException("No " + this.name + " column type for Java type " + javaType.getTypeName());
        }
        return type;
    }

    /** The type Relata's DDL gives a Java type, or {@code null} when it has none. */
    private @Nullable SqlType defaultType(Class<?> javaType) {
        return javaType.isEnum() || Enum.class.isAssignableFrom(javaType) ? this.enumType
                : this.defaultTypes.get(box(javaType));
    }

    @Override
    public @Nullable Class<?> bindClass(SqlType column) {
        return switch (column.kind()) {
            case BOOLEAN -> Boolean.class;
            case TINYINT -> Byte.class;
            case SMALLINT -> Short.class;
            case INTEGER -> Integer.class;
            case BIGINT -> Long.class;
            case DECIMAL -> BigDecimal.class;
            case REAL -> Float.class;
            case DOUBLE -> Double.class;
            case CHAR, VARCHAR, TEXT, ENUM -> String.class;
            case DATE -> LocalDate.class;
            case TIME -> LocalTime.class;
            case TIMESTAMP -> LocalDateTime.class;
            case TIMESTAMP_TZ -> OffsetDateTime.class;
            case UUID -> UUID.class;
            case BINARY -> byte[].class;
            case OTHER -> null;
        };
    }

    @Override
    public final Object toDatabase(Object value, SqlType column, ZoneId zone) {
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(column, "column must not be null");
        Class<?> target = bindClass(column);
        if (target == null) {
            return bindValue(value instanceof Enum<?> constant ? constant.name() : value);
        }
        Object converted;
        try {
            converted = Conversions.of(zone).convert(value, target);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("a " + Conversions.typeName(value) + " (" + value + ") cannot be stored in"
                    + " a column of type " + column.name() + ": " + ex.getMessage(), ex);
        }
        checkFits(value, converted, column);
        return bindValue(converted);
    }

    @Override
    public final Object toDatabase(Object value, ZoneId zone) {
        Objects.requireNonNull(value, "value must not be null");
        Object v = value instanceof ZonedDateTime zdt ? zdt.toOffsetDateTime() : value;
        SqlType type = defaultType(v.getClass());
        return type == null ? bindValue(v) : toDatabase(v, type.unbounded(), zone);
    }

    /**
     * Rejects a value its column would truncate or round: text longer than a {@code char}/{@code varchar} length
     * (counted in characters, as all three databases count), a decimal with more places than the scale or more
     * integer digits than the precision leaves, bytes longer than a {@code varbinary} length.
     */
    private static void checkFits(Object original, Object value, SqlType column) {
        String problem = null;
        if (value instanceof String text && column.length() > 0
                && (column.kind() == SqlType.Kind.CHAR || column.kind() == SqlType.Kind.VARCHAR)) {
            int characters = text.codePointCount(0, text.length());
            if (characters > column.length()) {
                problem = "it has " + characters + " characters, more than the " + column.length() + " the column holds";
            }
        }
        else if (value instanceof BigDecimal decimal && column.kind() == SqlType.Kind.DECIMAL) {
            BigDecimal stripped = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
            int places = Math.max(0, stripped.scale());
            int scale = Math.max(0, column.scale());
            if (column.scale() >= 0 && places > column.scale()) {
                problem = "it has " + places + " decimal places, more than the column's scale of " + column.scale()
                        + " (the database would round it)";
            }
            else if (column.precision() > 0 && stripped.precision() - stripped.scale() > column.precision() - scale) {
                problem = "it has " + (stripped.precision() - stripped.scale()) + " integer digits, more than the "
                        + (column.precision() - scale) + " the column holds";
            }
        }
        else if (value instanceof byte[] bytes && column.length() > 0 && column.kind() == SqlType.Kind.BINARY
                && bytes.length > column.length()) {
            problem = "it has " + bytes.length + " bytes, more than the " + column.length() + " the column holds";
        }
        if (problem != null) {
            throw new IllegalArgumentException("a " + Conversions.typeName(original) + " (" + abbreviate(original)
                    + ") cannot be stored in a column of type " + column.name() + ": " + problem);
        }
    }

    private static String abbreviate(Object value) {
        String text = value instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /**
     * The dialect's own bind conversion of a value already of its column's bind class; identity by default.
     *
     * @param value a non-null value
     * @return the value to bind
     */
    Object bindValue(Object value) {
        return value;
    }

    @Override
    public final Class<?> nullBindType(Class<?> javaType) {
        Objects.requireNonNull(javaType, "javaType must not be null");
        SqlType type = defaultType(javaType);
        Class<?> bound = type == null ? null : bindClass(type);
        return bindType(bound != null ? bound : box(javaType));
    }

    /**
     * The class {@link #bindValue(Object)} turns values of a class into; identity by default.
     *
     * @param boxed a boxed class
     * @return the bound class
     */
    Class<?> bindType(Class<?> boxed) {
        return boxed;
    }

    @Override
    public String cast(String expression, SqlType to) {
        return "CAST(" + expression + " AS " + castType(to) + ")";
    }

    /**
     * The type name a {@link #cast(String, SqlType)} to a column's type family uses.
     *
     * @param to the column type
     * @return the SQL type name
     */
    String castType(SqlType to) {
        if (to.kind().textual()) {
            return "VARCHAR";
        }
        if (to.kind().integral()) {
            return "BIGINT";
        }
        Class<?> bound = bindClass(to);
        return bound == null || !this.columnTypes.containsKey(bound) ? to.name() : columnType(bound);
    }

    /**
     * {@code (m1, m2, ...)}: the parenthesised markers of the table names a catalog query binds.
     *
     * @param count how many markers
     * @return the list
     */
    final String markers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("A catalog query needs at least one table: " + count);
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : ", ").append(placeholder(i));
        }
        return out.append(')').toString();
    }

    @Override
    public String toString() {
        return this.name;
    }

    /**
     * The boxed class of a primitive type, or the type itself.
     *
     * @param type any class
     * @return the boxed class
     */
    static Class<?> box(Class<?> type) {
        return Conversions.box(type);
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
        if (index < NUMBERED.length) {
            String cached = NUMBERED[index];
            if (cached == null) {
                // A racy fill is safe: Strings are immutable and every thread computes the same text.
                cached = "$" + (index + 1);
                NUMBERED[index] = cached;
            }
            return cached;
        }
        return "$" + (index + 1);
    }
}
