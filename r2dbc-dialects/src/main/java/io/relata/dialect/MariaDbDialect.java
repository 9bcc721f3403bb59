package io.relata.dialect;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * MariaDB: {@code ?} markers, backquoted identifiers (double quotes need {@code sql_mode=ANSI_QUOTES}), key sets as
 * chunked {@code IN} lists (the driver cannot bind arrays), timestamps stored as UTC in {@code DATETIME(6)}.
 *
 * <p>Verified with r2dbc-mariadb 1.4.0 on MariaDB 10.11:
 * <ul>
 *   <li>{@code OffsetDateTime} and {@code ZonedDateTime} have no encoder ("No encoder for class
 *       java.time.OffsetDateTime"), also for {@code bindNull}. {@code Instant} binds, but through the JVM default
 *       zone (an instant bound under Europe/Berlin is stored two hours ahead), and {@code get(i, Instant.class)}
 *       reads back through the same zone. So all three are bound as a {@code LocalDateTime} in UTC, and the
 *       {@code LocalDateTime} read from {@code DATETIME(6)} is taken as UTC, whatever the JVM zone.</li>
 *   <li>{@code UUID} binds (as text), but {@code CHAR(36)} reads back as {@code String}: UUIDs are bound as
 *       {@code String} so both directions use one representation.</li>
 *   <li>{@code BOOLEAN} is {@code TINYINT(1)}: read as {@code Boolean}, or as {@code Byte} with
 *       {@code tinyInt1isBit=false}. {@code LONGBLOB} reads as {@code ByteBuffer}; {@code SMALLINT} as
 *       {@code Short}; {@code DECIMAL} as {@code BigDecimal}; {@code BigInteger} binds.</li>
 * </ul>
 */
final class MariaDbDialect extends AbstractDialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
        super("MariaDB", '`', columnTypes());
    }

    private static Map<Class<?>, String> columnTypes() {
        Map<Class<?>, String> types = commonColumnTypes();
        types.put(BigDecimal.class, "DECIMAL(38,10)");
        types.put(Double.class, "DOUBLE");
        types.put(Float.class, "FLOAT");
        types.put(Instant.class, "DATETIME(6)");
        types.put(OffsetDateTime.class, "DATETIME(6)");
        types.put(LocalDateTime.class, "DATETIME(6)");
        types.put(UUID.class, "CHAR(36)");
        types.put(byte[].class, "LONGBLOB");
        return types;
    }

    /**
     * Backslash escapes (which {@code NO_BACKSLASH_ESCAPES} turns off), {@code "..."} strings, {@code `...`}
     * identifiers, {@code #} comments, {@code --} needing a space, and {@code /*!...*}{@code /} comments the server
     * runs. Checked on MariaDB 10.11 and r2dbc-mariadb 1.4.0, whose parser finds placeholders with the same rules
     * except that it takes every {@code --} for a comment.
     */
    private static final SqlSyntax SYNTAX = SqlSyntax.of(SqlSyntax.Feature.BACKSLASH_ESCAPES,
            SqlSyntax.Feature.SETTING_DEPENDENT_BACKSLASHES, SqlSyntax.Feature.DOUBLE_QUOTED_STRINGS,
            SqlSyntax.Feature.BACKQUOTED_IDENTIFIERS, SqlSyntax.Feature.HASH_COMMENTS,
            SqlSyntax.Feature.DASH_DASH_NEEDS_SPACE, SqlSyntax.Feature.EXECUTABLE_COMMENTS);

    @Override
    public SqlSyntax syntax() {
        return SYNTAX;
    }

    /** MariaDB 10.11 has no {@code NULLS FIRST/LAST} (a syntax error). */
    @Override
    public boolean supportsNullsOrdering() {
        return false;
    }

    /**
     * Expanded whatever the size. r2dbc-mariadb's default text protocol fills the values in on the client, with no
     * limit on their number: 100,000 took 0.5-0.9 s on MariaDB 10.11 (issue 9). With {@code useServerPrepStmts=true}
     * the server prepares the statement and refuses more than 65,535 placeholders ("Prepared statement contains too
     * many placeholders"), which no rendering avoids: the driver cannot bind arrays, and JSON_TABLE compares strings
     * under its own collation ("Illegal mix of collations" against a utf8mb4_unicode_ci column).
     */
    @Override
    public KeySetCondition inList(List<?> values, boolean negated, int availableBinds) {
        return super.inList(values, negated, Integer.MAX_VALUE);
    }

    /** MariaDB has no {@code OFFSET} without {@code LIMIT}; its manual suggests the largest BIGINT UNSIGNED. */
    @Override
    public String limitForOffsetOnly() {
        return "18446744073709551615";
    }

    /**
     * {@code ON DUPLICATE KEY UPDATE}, with a no-op assignment of the first key column when nothing is to be updated:
     * {@code INSERT IGNORE} would also downgrade a foreign-key violation to a warning, linking a pair to a row that
     * does not exist. {@code VALUES(c)} names the inserted value (MariaDB 10.3+ also spells it {@code VALUE(c)}).
     */
    @Override
    public String insertIgnoringDuplicates(String table, List<String> columns, List<String> keyColumns,
            List<String> updateOnConflict, int rows) {
        StringBuilder sql = insertValues("INSERT INTO ", table, columns, keyColumns, rows)
                .append(" ON DUPLICATE KEY UPDATE ");
        if (updateOnConflict.isEmpty()) {
            String key = quote(keyColumns.get(0));
            return sql.append(key).append(" = ").append(key).toString();
        }
        for (int i = 0; i < updateOnConflict.size(); i++) {
            String c = quote(updateOnConflict.get(i));
            sql.append(i == 0 ? "" : ", ").append(c).append(" = VALUES(").append(c).append(')');
        }
        return sql.toString();
    }

    @Override
    public String currentSchema() {
        return "DATABASE()";
    }

    @Override
    public String placeholder(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        return "?";
    }

    @Override
    String identityColumn(String sqlType) {
        // Not SERIAL: it is BIGINT UNSIGNED, and a signed BIGINT foreign key to it is rejected (DRIVERS.md).
        return sqlType + " AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    Object bindValue(Object value) {
        if (value instanceof Instant instant) {
            return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (value instanceof ZonedDateTime zdt) {
            return LocalDateTime.ofInstant(zdt.toInstant(), ZoneOffset.UTC);
        }
        if (value instanceof UUID uuid) {
            return uuid.toString();
        }
        return value;
    }

    @Override
    Class<?> bindType(Class<?> boxed) {
        if (boxed == Instant.class || boxed == OffsetDateTime.class || boxed == ZonedDateTime.class) {
            return LocalDateTime.class;
        }
        return boxed == UUID.class ? String.class : boxed;
    }
}
