package io.relata.dialect;

import io.r2dbc.spi.R2dbcException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB: {@code ?} markers, backquoted identifiers (double quotes need {@code sql_mode=ANSI_QUOTES}), key sets as
 * chunked {@code IN} lists (the driver cannot bind arrays), timestamps stored as UTC in {@code DATETIME(6)}.
 *
 * <p>Verified with r2dbc-mariadb 1.4.0 on MariaDB 10.11:
 * <ul>
 *   <li>{@code OffsetDateTime} and {@code ZonedDateTime} have no encoder ("No encoder for class
 *       java.time.OffsetDateTime"), also for {@code bindNull}. {@code Instant} binds, but through the JVM default
 *       zone (an instant bound under Europe/Berlin is stored two hours ahead), and {@code get(i, Instant.class)}
 *       reads back through the same zone. {@code DATETIME} has no zone, so its values are bound and read as a
 *       {@code LocalDateTime} in Relata's zone (UTC unless configured), whatever the JVM zone.</li>
 *   <li>{@code UUID} binds (as text), but {@code CHAR(36)} and {@code uuid} read back as {@code String}: UUIDs are
 *       bound as {@code String} so both directions use one representation.</li>
 *   <li>{@code BOOLEAN} is {@code TINYINT(1)}: read as {@code Boolean}, as is {@code BIT(1)}. {@code LONGBLOB} reads
 *       as {@code ByteBuffer}; {@code SMALLINT} as {@code Short}; {@code DECIMAL} as {@code BigDecimal};
 *       {@code INT UNSIGNED} as {@code Long}, {@code BIGINT UNSIGNED} as {@code BigInteger}.</li>
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

    /** r2dbc-mariadb 1.4.0 binds a UUID, but reads {@code uuid} and {@code CHAR(36)} columns back as text. */
    @Override
    public @Nullable Class<?> bindClass(SqlType column) {
        return column.kind() == SqlType.Kind.UUID ? String.class : super.bindClass(column);
    }

    /**
     * InnoDB wants "similar" types: integers and decimals of the same size and sign ({@code int} cannot reference
     * {@code bigint}: errno 150 "Foreign key constraint is incorrectly formed" on MariaDB 10.11), text with text.
     */
    @Override
    public boolean canReference(SqlType foreignKey, SqlType referenced) {
        if (foreignKey.kind().numeric() && referenced.kind().numeric()) {
            return foreignKey.kind() == referenced.kind() && bare(foreignKey).equals(bare(referenced))
                    && foreignKey.precision() == referenced.precision() && foreignKey.scale() == referenced.scale();
        }
        return super.canReference(foreignKey, referenced);
    }

    /** A declaration without its display width: {@code int(11)} and {@code int} are one type. */
    private static String bare(SqlType type) {
        return type.name().toLowerCase(java.util.Locale.ROOT).replaceAll("\\(\\d+\\)", "").replaceAll("\\s+", " ").trim();
    }

    /** MariaDB casts to {@code CHAR} and {@code SIGNED}, not to {@code VARCHAR} and {@code BIGINT}. */
    @Override
    String castType(SqlType to) {
        if (to.kind().textual() || to.kind() == SqlType.Kind.UUID) {
            return "CHAR";
        }
        return to.kind().integral() ? "SIGNED" : super.castType(to);
    }

    /**
     * Column names are never case-sensitive in MariaDB, and table names are not with {@code lower_case_table_names}
     * 1 or 2 (the Windows and macOS defaults).
     */
    @Override
    public boolean caseInsensitiveCatalog() {
        return true;
    }

    @Override
    public String columnsQuery(int tables) {
        // COLUMN_DEFAULT is the text NULL for a column whose default is NULL, and SQL NULL for one without a default
        return "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, CASE WHEN (COLUMN_DEFAULT IS NOT NULL "
                + "AND COLUMN_DEFAULT <> 'NULL') OR EXTRA <> '' THEN 'YES' ELSE 'NO' END "
                + "FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN " + markers(tables)
                + " ORDER BY TABLE_NAME, ORDINAL_POSITION";
    }

    @Override
    public String indexesQuery(int tables) {
        return "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX, CASE WHEN NON_UNIQUE = 0 THEN 'YES' ELSE 'NO' "
                + "END FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN "
                + markers(tables) + " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
    }

    @Override
    public String foreignKeysQuery(int tables) {
        return "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_NAME, "
                + "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
                + "AND REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_NAME IN " + markers(tables)
                + " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";
    }

    /**
     * {@code max_statement_time} is in seconds with microsecond precision, so milliseconds are written as a decimal.
     * The server stops the statement with error 1969 (SQLSTATE 70100, "max_statement_time exceeded"), which
     * r2dbc-mariadb 1.4.0 signals as an {@code R2dbcTimeoutException}, and the connection stays usable (verified on
     * MariaDB 10.11). MariaDB has no transaction-scoped form: only connections Relata's own pool opened get it.
     */
    @Override
    public Optional<String> sessionStatementTimeout(Duration timeout) {
        long millis = Timeouts.millis(timeout);
        String seconds = new BigDecimal(millis).movePointLeft(3).toPlainString();
        return Optional.of("SET SESSION max_statement_time = " + seconds);
    }

    /**
     * {@code KILL QUERY} stops the statement and leaves the connection open; the same user may kill its own
     * connections. Measured on MariaDB 10.11 with r2dbc-mariadb 1.4.0: a {@code SLEEP(3)} abandoned after 300 ms kept
     * running on the server, and the next query on that pooled connection waited 2.7 s for it (issue 9); killed
     * this way, the connection answered again within milliseconds. The driver binds the id to {@code KILL QUERY ?}.
     */
    @Override
    public Optional<StatementCancel> statementCancel() {
        return Optional.of(new StatementCancel("SELECT CONNECTION_ID()", "KILL QUERY ?"));
    }

    /** Error 1969 (max_statement_time exceeded) and 1317 (query interrupted by {@code KILL QUERY}). */
    @Override
    public boolean isCancellation(R2dbcException error) {
        return error.getErrorCode() == 1969 || error.getErrorCode() == 1317 || super.isCancellation(error);
    }
}
