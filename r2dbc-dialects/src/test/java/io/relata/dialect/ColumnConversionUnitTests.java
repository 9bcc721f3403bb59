package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.relata.dialect.SqlType.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conversion table of each dialect, column type by column type: every Java type Relata maps, against every column
 * type the three databases use for it, as the catalogs declare them and as the drivers read them (the read classes
 * were taken from {@code ColumnMetadata.getJavaType()} of r2dbc-postgresql 1.1.1, r2dbc-h2 1.1.0 and r2dbc-mariadb
 * 1.4.0 on PostgreSQL 15, H2 2.4.240 and MariaDB 10.11). Each row is checked both ways: the driver's value read into
 * the field's type, and the field's value bound for that column. Timestamps without a zone are wall times in
 * Asia/Kolkata (+05:30) here, so a mix-up with UTC cannot pass.
 */
class ColumnConversionUnitTests {

    static final Dialect PG = Dialects.postgres();

    static final Dialect H2 = Dialects.h2();

    static final Dialect MARIA = Dialects.mariadb();

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    static final Conversions TABLE = Conversions.of(KOLKATA);

    static final Instant INSTANT = Instant.parse("2024-05-06T07:08:09.123456Z");

    static final LocalDateTime KOLKATA_WALL = LocalDateTime.parse("2024-05-06T12:38:09.123456");

    static final OffsetDateTime UTC = INSTANT.atOffset(ZoneOffset.UTC);

    static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    enum Mood { CALM, ANGRY }

    /**
     * One column type and one field type: what the driver reads, the field's value, what is bound.
     *
     * @param dialect the dialect
     * @param declaration the column type as the catalog reports it
     * @param kind its classification
     * @param read the driver's value (of the class it reads the column as)
     * @param field the field's value
     * @param bound the value bound for the field's value
     */
    record Row(Dialect dialect, String declaration, Kind kind, Object read, Object field, Object bound) {
        @Override
        public String toString() {
            return this.dialect + " " + this.declaration + " <-> " + this.field.getClass().getSimpleName();
        }
    }

    static Row row(Dialect dialect, String declaration, Kind kind, Object read, Object field) {
        return new Row(dialect, declaration, kind, read, field, read);
    }

    static Row row(Dialect dialect, String declaration, Kind kind, Object read, Object field, Object bound) {
        return new Row(dialect, declaration, kind, read, field, bound);
    }

    static Stream<Row> table() {
        List<Row> rows = new ArrayList<>();
        for (Dialect d : List.of(PG, H2, MARIA)) {
            boolean pg = d == PG;
            boolean h2 = d == H2;
            String smallint = pg ? "smallint" : h2 ? "SMALLINT" : "smallint(6)";
            String integer = pg ? "integer" : h2 ? "INTEGER" : "int(11)";
            String bigint = pg ? "bigint" : h2 ? "BIGINT" : "bigint(20)";
            String numeric = pg ? "numeric(10,2)" : h2 ? "NUMERIC(10,2)" : "decimal(10,2)";
            String real = pg ? "real" : h2 ? "REAL" : "float";
            String dbl = pg ? "double precision" : h2 ? "DOUBLE PRECISION" : "double";
            String character = pg ? "character(5)" : h2 ? "CHARACTER(5)" : "char(5)";
            String varchar = pg ? "character varying(40)" : h2 ? "CHARACTER VARYING(40)" : "varchar(40)";
            String text = pg ? "text" : h2 ? "CHARACTER LARGE OBJECT" : "longtext";
            String bool = pg ? "boolean" : h2 ? "BOOLEAN" : "tinyint(1)";
            String date = pg ? "date" : h2 ? "DATE" : "date";
            String timestamp = pg ? "timestamp without time zone" : h2 ? "TIMESTAMP" : "datetime(6)";
            String blob = pg ? "bytea" : h2 ? "BINARY LARGE OBJECT" : "longblob";

            // whole numbers, each into every integral field and the wider types
            rows.add(row(d, smallint, Kind.SMALLINT, (short) 7, (short) 7));
            rows.add(row(d, smallint, Kind.SMALLINT, (short) 7, 7));
            rows.add(row(d, smallint, Kind.SMALLINT, (short) 7, 7L));
            rows.add(row(d, integer, Kind.INTEGER, 70_000, 70_000));
            rows.add(row(d, integer, Kind.INTEGER, 70_000, 70_000L));
            rows.add(row(d, integer, Kind.INTEGER, 7, (short) 7));
            rows.add(row(d, integer, Kind.INTEGER, 7, new BigDecimal("7")));
            rows.add(row(d, integer, Kind.INTEGER, 1, true));
            rows.add(row(d, integer, Kind.INTEGER, 1, Mood.ANGRY));
            rows.add(row(d, bigint, Kind.BIGINT, 5_000_000_000L, 5_000_000_000L));
            rows.add(row(d, bigint, Kind.BIGINT, 7L, 7));
            rows.add(row(d, bigint, Kind.BIGINT, 42L, "42"));
            rows.add(row(d, bigint, Kind.BIGINT, 7L, 7.0d));
            // decimals keep their scale; floats their shortest decimal form
            rows.add(row(d, numeric, Kind.DECIMAL, new BigDecimal("3.90"), new BigDecimal("3.90")));
            rows.add(row(d, numeric, Kind.DECIMAL, new BigDecimal("3.90"), 3.9d, new BigDecimal("3.9")));
            rows.add(row(d, numeric, Kind.DECIMAL, new BigDecimal("12.00"), 12L, new BigDecimal("12")));
            rows.add(row(d, real, Kind.REAL, 0.1f, 0.1f));
            rows.add(row(d, real, Kind.REAL, 0.1f, 0.1d));
            rows.add(row(d, real, Kind.REAL, 0.5f, new BigDecimal("0.5")));
            rows.add(row(d, dbl, Kind.DOUBLE, 0.2d, 0.2d));
            rows.add(row(d, dbl, Kind.DOUBLE, 0.25d, 0.25f));
            rows.add(row(d, dbl, Kind.DOUBLE, 3d, 3L));
            // text
            rows.add(row(d, varchar, Kind.VARCHAR, "cd", "cd"));
            rows.add(row(d, varchar, Kind.VARCHAR, "42", 42L));
            rows.add(row(d, varchar, Kind.VARCHAR, ID.toString(), ID));
            rows.add(row(d, varchar, Kind.VARCHAR, "ANGRY", Mood.ANGRY));
            rows.add(row(d, text, Kind.TEXT, "long text", "long text"));
            rows.add(row(d, character, Kind.CHAR, "ab   ", "ab   ", "ab   "));
            rows.add(row(d, character, Kind.CHAR, "CALM ", Mood.CALM, "CALM"));
            // booleans, also in a number column
            rows.add(row(d, bool, Kind.BOOLEAN, true, true));
            rows.add(row(d, smallint, Kind.SMALLINT, (short) 1, true));
            // dates and times
            rows.add(row(d, date, Kind.DATE, LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 2)));
            rows.add(row(d, timestamp, Kind.TIMESTAMP, KOLKATA_WALL, INSTANT));
            rows.add(row(d, timestamp, Kind.TIMESTAMP, KOLKATA_WALL, KOLKATA_WALL));
            rows.add(row(d, timestamp, Kind.TIMESTAMP, KOLKATA_WALL, UTC));
            // bytes come back as a buffer and are bound as an array
            rows.add(row(d, blob, Kind.BINARY, ByteBuffer.wrap(new byte[] {1, 2}), new byte[] {1, 2},
                    new byte[] {1, 2}));
        }
        // what only some databases have
        for (Dialect d : List.of(PG, H2)) {
            String timestamptz = d == PG ? "timestamp with time zone" : "TIMESTAMP WITH TIME ZONE";
            String uuid = d == PG ? "uuid" : "UUID";
            rows.add(row(d, timestamptz, Kind.TIMESTAMP_TZ, UTC, INSTANT));
            rows.add(row(d, timestamptz, Kind.TIMESTAMP_TZ, UTC, UTC));
            rows.add(row(d, timestamptz, Kind.TIMESTAMP_TZ, OffsetDateTime.parse("2024-05-06T09:08:09.123456+02:00"),
                    UTC, UTC));
            rows.add(row(d, timestamptz, Kind.TIMESTAMP_TZ, UTC, KOLKATA_WALL));
            rows.add(row(d, uuid, Kind.UUID, ID, ID));
            rows.add(row(d, uuid, Kind.UUID, ID, ID.toString()));
        }
        rows.add(row(H2, "TINYINT", Kind.TINYINT, (byte) 7, 7));
        rows.add(row(H2, "BINARY VARYING(10)", Kind.BINARY, new byte[] {3}, new byte[] {3}));
        rows.add(row(MARIA, "tinyint(4)", Kind.TINYINT, (byte) 7, (short) 7));
        rows.add(row(MARIA, "bit(1)", Kind.BOOLEAN, true, true));
        rows.add(row(MARIA, "tinyint(1)", Kind.BOOLEAN, false, 0));
        rows.add(row(MARIA, "int(10) unsigned", Kind.BIGINT, 4L, 4));
        rows.add(row(MARIA, "bigint(20) unsigned", Kind.DECIMAL, new BigInteger("5"), 5L, new BigDecimal("5")));
        rows.add(row(MARIA, "uuid", Kind.UUID, ID.toString(), ID));
        rows.add(row(MARIA, "char(36)", Kind.CHAR, ID.toString(), ID));
        rows.add(row(MARIA, "enum('CALM','ANGRY')", Kind.ENUM, "ANGRY", Mood.ANGRY));
        rows.add(row(MARIA, "timestamp(6)", Kind.TIMESTAMP, KOLKATA_WALL, INSTANT));
        rows.add(row(MARIA, "binary(16)", Kind.BINARY, ByteBuffer.wrap(bytes(ID)), ID, bytes(ID)));
        return rows.stream();
    }

    static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    @ParameterizedTest
    @MethodSource("table")
    void theCatalogsDeclarationIsClassified(Row row) {
        assertThat(row.dialect().sqlType(row.declaration()).kind()).isEqualTo(row.kind());
    }

    @ParameterizedTest
    @MethodSource("table")
    void theDriversValueReadsIntoTheField(Row row) {
        Class<?> fieldType = row.field().getClass();
        ValueConverter converter = TABLE.converter(row.read().getClass(), fieldType);

        assertThat(converter).as("a conversion from %s", row.read().getClass()).isNotNull();
        Object value = converter.convert(row.read());
        if (row.field() instanceof byte[] bytes) {
            assertThat((byte[]) value).isEqualTo(bytes);
        }
        else {
            assertThat(value).isEqualTo(row.field()).isExactlyInstanceOf(fieldType);
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void theFieldsValueIsBoundAsTheColumnWantsIt(Row row) {
        SqlType column = row.dialect().sqlType(row.declaration());
        Object bound = row.dialect().toDatabase(row.field(), column, KOLKATA);

        Object expected = row.bound() instanceof ByteBuffer || row.bound() instanceof BigInteger
                ? TABLE.convert(row.bound(), row.dialect().bindClass(column)) : row.bound();
        assertThat(bound).isExactlyInstanceOf(expected.getClass());
        if (expected instanceof byte[] bytes) {
            assertThat((byte[]) bound).isEqualTo(bytes);
        }
        else {
            assertThat(bound).isEqualTo(expected);
        }
        assertThat(row.dialect().nullBindType(column, row.field().getClass())).isEqualTo(bound.getClass());
    }

    /**
     * A value that does not fit its column, or has no exact counterpart there: rejected before SQL, naming the value,
     * its class, the column type and the reason.
     *
     * @param dialect the dialect
     * @param declaration the column type
     * @param value the value
     * @param reason a part of the message
     */
    record Misfit(Dialect dialect, String declaration, Object value, String reason) {
        @Override
        public String toString() {
            return this.dialect + " " + this.declaration + " <- " + this.value;
        }
    }

    static Stream<Misfit> misfits() {
        List<Misfit> rows = new ArrayList<>();
        for (Dialect d : List.of(PG, H2, MARIA)) {
            boolean pg = d == PG;
            boolean h2 = d == H2;
            rows.add(new Misfit(d, pg ? "integer" : h2 ? "INTEGER" : "int(11)", 3.9d, "has a fraction"));
            rows.add(new Misfit(d, pg ? "integer" : h2 ? "INTEGER" : "int(11)", 5_000_000_000L, "out of the range"));
            rows.add(new Misfit(d, pg ? "smallint" : h2 ? "SMALLINT" : "smallint(6)", 70_000, "out of the range"));
            rows.add(new Misfit(d, pg ? "bigint" : h2 ? "BIGINT" : "bigint(20)", 1e30d, "out of the range"));
            rows.add(new Misfit(d, pg ? "bigint" : h2 ? "BIGINT" : "bigint(20)", "4x2", "is not a number"));
            rows.add(new Misfit(d, pg ? "numeric(10,2)" : h2 ? "NUMERIC(10,2)" : "decimal(10,2)",
                    new BigDecimal("3.999"), "3 decimal places"));
            rows.add(new Misfit(d, pg ? "numeric(10,2)" : h2 ? "NUMERIC(10,2)" : "decimal(10,2)",
                    new BigDecimal("123456789.5"), "9 integer digits"));
            rows.add(new Misfit(d, pg ? "real" : h2 ? "REAL" : "float", 0.123456789d, "no exact java.lang.Float"));
            rows.add(new Misfit(d, pg ? "character varying(3)" : h2 ? "CHARACTER VARYING(3)" : "varchar(3)", "abcd",
                    "4 characters"));
            rows.add(new Misfit(d, pg ? "boolean" : h2 ? "BOOLEAN" : "tinyint(1)", 2, "not a boolean"));
            rows.add(new Misfit(d, pg ? "date" : h2 ? "DATE" : "date", KOLKATA_WALL, "time of day would be lost"));
            rows.add(new Misfit(d, pg ? "integer" : h2 ? "INTEGER" : "int(11)", ID, "Cannot convert a java.util.UUID"));
        }
        rows.add(new Misfit(PG, "uuid", "not-a-uuid", "is not a UUID"));
        rows.add(new Misfit(H2, "BINARY VARYING(1)", new byte[] {1, 2}, "2 bytes"));
        rows.add(new Misfit(MARIA, "tinyint(4)", 300, "out of the range of java.lang.Byte"));
        return rows.stream();
    }

    @ParameterizedTest
    @MethodSource("misfits")
    void aValueThatDoesNotFitItsColumnIsRejected(Misfit misfit) {
        SqlType column = misfit.dialect().sqlType(misfit.declaration());
        String valueClass = misfit.value().getClass().getName();

        assertThatIllegalArgumentException().isThrownBy(() -> misfit.dialect().toDatabase(misfit.value(), column, KOLKATA))
                .withMessageContaining(valueClass).withMessageContaining(misfit.declaration())
                .withMessageContaining(misfit.reason());
    }

    static Stream<Arguments> declarations() {
        return Stream.of(
                Arguments.of(PG, "character varying(20)", Kind.VARCHAR, 20, 0, -1),
                Arguments.of(PG, "character varying", Kind.VARCHAR, 0, 0, -1),
                Arguments.of(PG, "numeric(10,2)", Kind.DECIMAL, 0, 10, 2),
                Arguments.of(PG, "numeric", Kind.DECIMAL, 0, 0, -1),
                Arguments.of(PG, "timestamp(3) without time zone", Kind.TIMESTAMP, 0, 0, -1),
                Arguments.of(PG, "timestamp(6) with time zone", Kind.TIMESTAMP_TZ, 0, 0, -1),
                Arguments.of(PG, "jsonb", Kind.OTHER, 0, 0, -1),
                Arguments.of(PG, "integer[]", Kind.OTHER, 0, 0, -1),
                Arguments.of(H2, "CHARACTER LARGE OBJECT(9223372036854775807)", Kind.TEXT, 0, 0, -1),
                Arguments.of(H2, "NUMERIC(38,10)", Kind.DECIMAL, 0, 38, 10),
                Arguments.of(H2, "VARBINARY(1000000)", Kind.BINARY, 1_000_000, 0, -1),
                Arguments.of(MARIA, "int(10) unsigned", Kind.BIGINT, 0, 0, -1),
                Arguments.of(MARIA, "tinyint(3) unsigned", Kind.SMALLINT, 0, 0, -1),
                Arguments.of(MARIA, "tinyint(1) unsigned", Kind.SMALLINT, 0, 0, -1),
                Arguments.of(MARIA, "DATETIME(6)", Kind.TIMESTAMP, 0, 0, -1),
                Arguments.of(MARIA, "CHAR(36)", Kind.CHAR, 36, 0, -1),
                Arguments.of(MARIA, "enum('a','b,c')", Kind.ENUM, 0, 0, -1),
                Arguments.of(MARIA, "mediumint(9)", Kind.INTEGER, 0, 0, -1),
                Arguments.of(MARIA, "year(4)", Kind.SMALLINT, 0, 0, -1),
                Arguments.of(PG, "citext", Kind.TEXT, 0, 0, -1),
                Arguments.of(PG, "bit(1)", Kind.OTHER, 0, 0, -1),
                Arguments.of(PG, "bit varying(8)", Kind.OTHER, 0, 0, -1));
    }

    @ParameterizedTest
    @MethodSource("declarations")
    void declarationsKeepTheirLengthPrecisionAndScale(Dialect dialect, String declaration, Kind kind, int length,
            int precision, int scale) {
        SqlType type = dialect.sqlType(declaration);

        assertThat(type).isEqualTo(new SqlType(declaration, kind, length, precision, scale));
        assertThat(type.unbounded()).isEqualTo(SqlType.of(declaration, kind));
    }

    static Stream<Arguments> freeValues() {
        return Stream.of(
                Arguments.of(PG, INSTANT, UTC),
                Arguments.of(PG, Mood.CALM, "CALM"),
                Arguments.of(PG, ID, ID),
                Arguments.of(PG, "x".repeat(300), "x".repeat(300)),
                Arguments.of(H2, INSTANT, UTC),
                Arguments.of(H2, new BigInteger("123456789012345678901234567890"),
                        new BigDecimal("123456789012345678901234567890")),
                Arguments.of(H2, new BigDecimal("1.12345678901"), new BigDecimal("1.12345678901")),
                Arguments.of(MARIA, INSTANT, KOLKATA_WALL),
                Arguments.of(MARIA, OffsetDateTime.parse("2024-05-06T09:08:09.123456+02:00"), KOLKATA_WALL),
                Arguments.of(MARIA, INSTANT.atZone(ZoneId.of("Europe/Berlin")), KOLKATA_WALL),
                Arguments.of(MARIA, ID, ID.toString()),
                Arguments.of(MARIA, BigInteger.TEN, BigInteger.TEN));
    }

    @ParameterizedTest
    @MethodSource("freeValues")
    void aConditionsArgumentIsBoundByItsOwnClassWithoutLengthChecks(Dialect dialect, Object value, Object expected) {
        assertThat(dialect.toDatabase(value, KOLKATA)).isEqualTo(expected).isExactlyInstanceOf(expected.getClass());
    }

    static Stream<Arguments> casts() {
        return Stream.of(
                Arguments.of(PG, "character varying(20)", "CAST(\"users\".\"id\" AS VARCHAR)"),
                Arguments.of(PG, "bigint", "CAST(\"users\".\"id\" AS BIGINT)"),
                Arguments.of(PG, "uuid", "CAST(\"users\".\"id\" AS UUID)"),
                Arguments.of(H2, "CHARACTER VARYING(20)", "CAST(\"users\".\"id\" AS VARCHAR)"),
                Arguments.of(MARIA, "varchar(20)", "CAST(\"users\".\"id\" AS CHAR)"),
                Arguments.of(MARIA, "int(11)", "CAST(\"users\".\"id\" AS SIGNED)"));
    }

    @ParameterizedTest
    @MethodSource("casts")
    void keysOfDifferentFamiliesAreCastToTheOtherColumnsFamily(Dialect dialect, String declaration, String expected) {
        assertThat(dialect.cast("\"users\".\"id\"", dialect.sqlType(declaration))).isEqualTo(expected);
    }
}
