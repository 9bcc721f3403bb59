package io.relata.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

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
                + "THEN '(' || NUMERIC_PRECISION || ',' || NUMERIC_SCALE || ')' ELSE '' END, IS_NULLABLE "
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
}
