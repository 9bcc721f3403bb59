package io.relata.dialect;

import io.r2dbc.spi.R2dbcException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * H2 (2.x through r2dbc-h2): {@code $n} markers (H2 also takes {@code ?}), double-quoted identifiers, key sets as
 * chunked {@code IN} lists.
 *
 * <p>Verified with r2dbc-h2 1.1.0.RELEASE on H2 2.4.240: {@code Instant}, {@code OffsetDateTime} and
 * {@code ZonedDateTime} bind to {@code TIMESTAMP WITH TIME ZONE} keeping the instant whatever the JVM zone, and the
 * column reads back as {@code OffsetDateTime}; {@code UUID}, {@code Boolean}, {@code Short} and {@code byte[]} bind
 * as they are, {@code bindNull} takes each of them. {@code VARBINARY} reads back as {@code byte[]} while
 * {@code BINARY LARGE OBJECT} reads as {@code ByteBuffer}, hence {@code VARBINARY}. {@code BigInteger} is the one type
 * the driver cannot encode ("Cannot encode parameter of type java.math.BigInteger"): it is bound as a
 * {@code BigDecimal}. {@code = ANY(?)} with an array works too, but ten 1k {@code IN} lists beat it (DRIVERS.md).
 */
final class H2Dialect extends AbstractDialect {

    static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
        super("H2", '"', columnTypes());
    }

    private static Map<Class<?>, String> columnTypes() {
        Map<Class<?>, String> types = standardColumnTypes();
        types.put(byte[].class, "VARBINARY(1000000)");
        return types;
    }

    /**
     * Quotes a name with an upper-case letter exactly as written, and others in upper case. H2 folds unquoted
     * identifiers to upper case (unless {@code DATABASE_TO_LOWER=TRUE}), so a table Relata names {@code people}
     * (derived, or an explicit all-lower-case {@code @Table("people")}) is the {@code PEOPLE} that a user's plain SQL
     * ({@code CREATE TABLE people}, a Spring {@code schema.sql}, {@code where("name = ?")}) names, as on PostgreSQL,
     * which folds to lower case. An explicit {@code @Table("LegacyPeople")} is a name somebody wrote quoted, and is
     * used as written, as on the other databases (issue 8: upper-casing it made such tables impossible to map).
     */
    @Override
    public String quote(String identifier) {
        return super.quote(storedName(identifier));
    }

    @Override
    public String storedName(String identifier) {
        return hasUpperCase(identifier) ? identifier : identifier.toUpperCase(Locale.ROOT);
    }

    /**
     * Unquoted where it is a regular identifier (a joined column's {@code creditCard__number}; no keyword has two
     * underscores in a row), so H2 stores it upper-cased. r2dbc-h2 1.1.0 upper-cases every column label of every row
     * it reads ({@code H2Row.getColumns}): a label with a lower-case letter costs a new string and its hash per
     * column per row, about a seventh of what a 10,000-row join allocated (JFR, {@code PreloadBenchmark.relataJoins},
     * H2). Other aliases are quoted upper-case, which H2 reads the same way.
     */
    @Override
    public String columnAlias(String alias) {
        return REGULAR_IDENTIFIER.matcher(alias).matches() && alias.contains("__") ? alias
                : super.quote(alias.toUpperCase(Locale.ROOT));
    }

    private static boolean hasUpperCase(String identifier) {
        for (int i = 0; i < identifier.length(); i++) {
            if (Character.isUpperCase(identifier.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String columnsQuery(int tables) {
        return "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE || CASE WHEN CHARACTER_MAXIMUM_LENGTH IS NOT NULL "
                + "THEN '(' || CHARACTER_MAXIMUM_LENGTH || ')' WHEN DATA_TYPE IN ('NUMERIC', 'DECIMAL') "
                + "THEN '(' || NUMERIC_PRECISION || ',' || NUMERIC_SCALE || ')' ELSE '' END, IS_NULLABLE, "
                + "CASE WHEN COLUMN_DEFAULT IS NOT NULL OR IS_IDENTITY = 'YES' OR IS_GENERATED <> 'NEVER' "
                + "THEN 'YES' ELSE 'NO' END "
                + "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME IN "
                + markers(tables) + " ORDER BY TABLE_NAME, ORDINAL_POSITION";
    }

    @Override
    public String indexesQuery(int tables) {
        return "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, ORDINAL_POSITION, "
                + "CASE WHEN IS_UNIQUE THEN 'YES' ELSE 'NO' END FROM INFORMATION_SCHEMA.INDEX_COLUMNS "
                + "WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME IN " + markers(tables)
                + " ORDER BY TABLE_NAME, INDEX_NAME, ORDINAL_POSITION";
    }

    @Override
    public String foreignKeysQuery(int tables) {
        return "SELECT f.TABLE_NAME, f.CONSTRAINT_NAME, f.COLUMN_NAME, f.ORDINAL_POSITION, p.TABLE_NAME, p.COLUMN_NAME "
                + "FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r "
                + "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE f ON f.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA "
                + "AND f.CONSTRAINT_NAME = r.CONSTRAINT_NAME "
                + "JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE p ON p.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA "
                + "AND p.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME AND p.ORDINAL_POSITION = f.POSITION_IN_UNIQUE_CONSTRAINT "
                + "WHERE f.TABLE_SCHEMA = CURRENT_SCHEMA AND f.TABLE_NAME IN " + markers(tables)
                + " ORDER BY f.TABLE_NAME, f.CONSTRAINT_NAME, f.ORDINAL_POSITION";
    }

    /**
     * Lists longer than this bind one array ({@code = ANY($1)}). InListBenchmark on H2 2.4.240 (benchmarks/README.md,
     * two noisy runs): at 10,000 values the array took 383-407 ms against 462-707 ms expanded; up to 100 the expanded
     * list was as fast or faster; at 1,000 the runs disagreed.
     */
    static final int ARRAY_LIST_THRESHOLD = 1000;

    /** H2 2.4.240 rejects an array of more than 65,536 elements ("Value too long for column ARRAY"). */
    static final int MAX_ARRAY_LENGTH = 65_536;

    /**
     * H2 2.4.240 takes at most 100,000 parameters in a statement ("Invalid value 100002 for parameter parameter
     * index"); {@link #maxBindParameters()} stays at 65,535 for the rest of Relata, one rule for all databases.
     */
    static final int MAX_PARAMETERS = 100_000;

    /**
     * The column type of {@code TABLE(X type = ?)} for each array class r2dbc-h2 1.1.0.RELEASE binds (checked with
     * {@code = ANY} and {@code <> ALL}); {@code DECFLOAT} keeps every {@code BigDecimal} exactly.
     */
    private static final Pattern REGULAR_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final Map<Class<?>, String> ARRAY_TYPES = Map.ofEntries(Map.entry(Long.class, "BIGINT"),
            Map.entry(Integer.class, "INTEGER"), Map.entry(Short.class, "SMALLINT"),
            Map.entry(String.class, "CHARACTER VARYING"), Map.entry(Boolean.class, "BOOLEAN"),
            Map.entry(Double.class, "DOUBLE PRECISION"), Map.entry(Float.class, "REAL"),
            Map.entry(BigDecimal.class, "DECFLOAT"), Map.entry(UUID.class, "UUID"),
            Map.entry(java.time.LocalDate.class, "DATE"), Map.entry(java.time.LocalDateTime.class, "TIMESTAMP(9)"),
            Map.entry(java.time.LocalTime.class, "TIME(9)"),
            Map.entry(OffsetDateTime.class, "TIMESTAMP(9) WITH TIME ZONE"),
            Map.entry(Instant.class, "TIMESTAMP(9) WITH TIME ZONE"));

    /**
     * H2 2.4.240 reads {@code //} as a line comment, nests block comments, takes {@code `...`} identifiers,
     * {@code $$...$$} strings (no tags) and {@code $1} markers; a carriage return ends a {@code --} comment.
     */
    private static final SqlSyntax SYNTAX = SqlSyntax.of(SqlSyntax.Feature.BACKQUOTED_IDENTIFIERS,
            SqlSyntax.Feature.DOUBLE_SLASH_COMMENTS, SqlSyntax.Feature.CARRIAGE_RETURN_ENDS_COMMENTS,
            SqlSyntax.Feature.NESTED_BLOCK_COMMENTS, SqlSyntax.Feature.DOLLAR_QUOTES,
            SqlSyntax.Feature.NUMBERED_PARAMETERS);

    @Override
    public SqlSyntax syntax() {
        return SYNTAX;
    }

    /**
     * Expanded up to {@link #ARRAY_LIST_THRESHOLD} values, one array up to H2's 65,536 elements, and beyond that
     * arrays of 65,536 unioned in a subquery, {@code IN (SELECT X FROM TABLE(X BIGINT = ?) UNION ALL ...)}: a
     * statement takes neither a longer array nor more than 100,000 binds, and {@code UNNEST(?)} of a parameter
     * matches nothing on H2 2.4.240. r2dbc-h2 cannot bind a {@code null} element ("value must not be null"), so a
     * list with one is expanded, within the 100,000 parameters.
     */
    @Override
    public KeySetCondition inList(List<?> values, boolean negated, int availableBinds) {
        if (values.size() > ARRAY_LIST_THRESHOLD) {
            Object array = InLists.typedArray(values, ARRAY_TYPES.keySet(), false);
            if (array != null) {
                return values.size() <= MAX_ARRAY_LENGTH ? InLists.array(array, negated)
                        : unionOfArrays((Object[]) array, negated);
            }
        }
        return super.inList(values, negated, availableBinds + MAX_PARAMETERS - maxBindParameters());
    }

    private static KeySetCondition unionOfArrays(Object[] array, boolean negated) {
        String type = ARRAY_TYPES.get(array.getClass().getComponentType());
        StringBuilder sql = new StringBuilder(negated ? "NOT IN (" : "IN (");
        List<Object> binds = new ArrayList<>();
        for (int from = 0; from < array.length; from += MAX_ARRAY_LENGTH) {
            sql.append(from == 0 ? "" : " UNION ALL ").append("SELECT X FROM TABLE(X ").append(type).append(" = ?)");
            binds.add(Arrays.copyOfRange(array, from, Math.min(array.length, from + MAX_ARRAY_LENGTH)));
        }
        return new KeySetCondition(sql.append(')').toString(), binds);
    }

    /** r2dbc-h2 does its JDBC work on the subscribing thread (shared/DRIVERS.md). */
    @Override
    public boolean blockingDriver() {
        return true;
    }

    /**
     * H2 2.x accepts a foreign key only to a primary key or a UNIQUE constraint; a unique index is not enough
     * ({@code Constraint "PRIMARY KEY | UNIQUE (REFER)" not found}, seen with H2 2.4.240).
     */
    @Override
    public boolean foreignKeyNeedsUniqueConstraint() {
        return true;
    }

    /**
     * The standard {@code MERGE} (H2 2.x), so an existing row is left alone: H2's {@code MERGE INTO ... KEY} would
     * update its other columns, and {@code ON CONFLICT} exists only in its PostgreSQL mode. Checked on H2 2.4.240:
     * untyped markers in the {@code VALUES} list take the target columns' types.
     */
    @Override
    public String insertIgnoringDuplicates(String table, List<String> columns, List<String> keyColumns,
            List<String> updateOnConflict, int rows) {
        checkInsert(columns, keyColumns, rows);
        String t = quote(table);
        StringBuilder out = new StringBuilder(128 + rows * columns.size() * 3).append("MERGE INTO ").append(t)
                .append(" USING (VALUES ");
        appendRows(out, columns.size(), rows);
        out.append(") AS ").append(quote("s")).append(" (").append(quoted(columns)).append(") ON ");
        for (int i = 0; i < keyColumns.size(); i++) {
            String c = quote(keyColumns.get(i));
            out.append(i == 0 ? "" : " AND ").append(t).append('.').append(c).append(" = ").append(quote("s"))
                    .append('.').append(c);
        }
        if (!updateOnConflict.isEmpty()) {
            out.append(" WHEN MATCHED THEN UPDATE SET ");
            for (int i = 0; i < updateOnConflict.size(); i++) {
                String c = quote(updateOnConflict.get(i));
                out.append(i == 0 ? "" : ", ").append(c).append(" = ").append(quote("s")).append('.').append(c);
            }
        }
        out.append(" WHEN NOT MATCHED THEN INSERT (").append(quoted(columns)).append(") VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote("s")).append('.').append(quote(columns.get(i)));
        }
        return out.append(')').toString();
    }

    @Override
    public String placeholder(int index) {
        return numberedPlaceholder(index);
    }

    @Override
    String identityColumn(String sqlType) {
        return sqlType + " GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    }

    @Override
    Object bindValue(Object value) {
        return value instanceof BigInteger integer ? new BigDecimal(integer) : value;
    }

    @Override
    Class<?> bindType(Class<?> boxed) {
        return boxed == BigInteger.class ? BigDecimal.class : boxed;
    }

    /**
     * H2's session setting {@code QUERY_TIMEOUT}, in milliseconds: H2 checks it while it computes and reads rows and
     * stops the statement with error 57014 ("Statement was canceled or the session timed out"), which r2dbc-h2
     * 1.1.0 signals as an {@code R2dbcTimeoutException}; the session stays usable (verified on H2 2.4.240).
     */
    @Override
    public Optional<String> sessionStatementTimeout(Duration timeout) {
        return Optional.of("SET QUERY_TIMEOUT " + Timeouts.millis(timeout));
    }

    /**
     * {@code CANCEL_SESSION} stops the statement another session runs and keeps that session (it needs admin
     * rights, which the user who created an embedded database has). Verified on H2 2.4.240: a statement abandoned
     * by its subscriber went on computing in r2dbc-h2's thread and held its session until cancelled this way.
     */
    @Override
    public Optional<StatementCancel> statementCancel() {
        return Optional.of(new StatementCancel("SELECT SESSION_ID()", "CALL CANCEL_SESSION($1)"));
    }

    /**
     * No: each statement runs on its caller's thread, and H2 2.4.240 ran a second statement on a session while a
     * first one, abandoned by its subscriber, was still computing on another thread (seen in
     * {@code INFORMATION_SCHEMA.SESSIONS}); a ping answers at once whether or not anything else runs.
     */
    @Override
    public boolean statementsQueuePerConnection() {
        return false;
    }

    /** Error 57014 (statement canceled, also on a query timeout). */
    @Override
    public boolean isCancellation(R2dbcException error) {
        return "57014".equals(error.getSqlState()) || error.getErrorCode() == 57014 || super.isCancellation(error);
    }
}
