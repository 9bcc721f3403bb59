package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact SQL, types and conversions of the built-in dialects; no database needed.
 */
class DialectUnitTests {

    static final Dialect PG = Dialects.postgres();

    static final Dialect H2 = Dialects.h2();

    static final Dialect MARIA = Dialects.mariadb();

    static final Instant INSTANT = Instant.parse("2024-05-06T07:08:09.123456Z");

    static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    enum Color { RED, GREEN }

    static Stream<Dialect> dialects() {
        return Stream.of(PG, H2, MARIA);
    }

    static Stream<Dialect> inListDialects() {
        return Stream.of(H2, MARIA);
    }

    /** Every case of {@code cases} once per dialect, the dialect first. */
    static Stream<Arguments> forEachDialect(List<Arguments> cases) {
        return dialects().flatMap(dialect -> cases.stream().map(c -> {
            List<Object> args = new ArrayList<>();
            args.add(dialect);
            args.addAll(Arrays.asList(c.get()));
            return Arguments.of(args.toArray());
        }));
    }

    // names and detection

    @Test
    void factoriesReturnSingletonsNamedLikeTheMetadata() {
        assertThat(Dialects.postgres()).isSameAs(PG);
        assertThat(Dialects.h2()).isSameAs(H2);
        assertThat(Dialects.mariadb()).isSameAs(MARIA);
        assertThat(Stream.of(PG, H2, MARIA).map(Dialect::name)).containsExactly("PostgreSQL", "H2", "MariaDB");
    }

    static Stream<Arguments> builtInNames() {
        return Stream.of(
                Arguments.of("PostgreSQL", PG),
                Arguments.of("postgresql", PG),
                Arguments.of("POSTGRESQL", PG),
                Arguments.of("H2", H2),
                Arguments.of("h2", H2),
                Arguments.of("MariaDB", MARIA),
                Arguments.of("mariadb", MARIA),
                Arguments.of("MARIADB", MARIA));
    }

    @ParameterizedTest
    @MethodSource("builtInNames")
    void detectKnowsBuiltInNamesIgnoringCase(String name, Dialect expected) {
        assertThat(Dialects.detect(name)).isSameAs(expected);
    }

    @Test
    void detectFromMetadataUsesItsName() {
        ConnectionFactoryMetadata metadata = () -> "PostgreSQL";
        assertThat(Dialect.detect(metadata)).isSameAs(PG);
    }

    @Test
    void detectAsksServiceLoaderProvidersForOtherNames() {
        assertThat(Dialects.detect("AcmeDB")).isSameAs(H2);
    }

    @Test
    void detectPrefersBuiltInsOverProviders() {
        // AcmeDialectProvider answers MariaDB for "H2"; the built-in name must win.
        assertThat(Dialects.detect("H2")).isSameAs(H2);
        assertThat(Dialects.detect("h2")).isSameAs(H2);
    }

    @ParameterizedTest
    @CsvSource({"Oracle", "MySQL", "Postgres", "acmedb"})
    void detectRejectsUnknownNamesNamingThem(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> Dialects.detect(name))
                .withMessageStartingWith("No Relata dialect for database '" + name + "'")
                .withMessageContaining("DialectProvider");
    }

    @Test
    void detectRejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> Dialects.detect(nullString()))
                .withMessage("databaseName must not be null");
    }

    // placeholders and quoting

    static Stream<Arguments> placeholders() {
        return Stream.of(
                Arguments.of(PG, 0, "$1"),
                Arguments.of(PG, 1, "$2"),
                Arguments.of(PG, 99, "$100"),
                // the last cached text, and past the cache
                Arguments.of(PG, 16383, "$16384"),
                Arguments.of(PG, 16384, "$16385"),
                Arguments.of(H2, 65534, "$65535"),
                Arguments.of(H2, 0, "$1"),
                Arguments.of(H2, 9, "$10"),
                Arguments.of(MARIA, 0, "?"),
                Arguments.of(MARIA, 7, "?"));
    }

    @ParameterizedTest
    @MethodSource("placeholders")
    void placeholderMarksTheParameter(Dialect dialect, int index, String expected) {
        assertThat(dialect.placeholder(index)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void placeholderRejectsNegativeIndex(Dialect dialect) {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.placeholder(-1)).withMessageContaining("-1");
    }

    static Stream<Arguments> quotes() {
        return Stream.of(
                Arguments.of(PG, "users", "\"users\""),
                Arguments.of(PG, "Order Items", "\"Order Items\""),
                Arguments.of(PG, "my \"q\"", "\"my \"\"q\"\"\""),
                Arguments.of(PG, "a`b", "\"a`b\""),
                // H2 quotes a name without upper-case letters in upper case, the case it folds unquoted names to
                // (H2Dialect#quote)
                Arguments.of(H2, "users", "\"USERS\""),
                Arguments.of(H2, "order_items", "\"ORDER_ITEMS\""),
                Arguments.of(H2, "my \"q\"", "\"MY \"\"Q\"\"\""),
                Arguments.of(H2, "a`b", "\"A`B\""),
                // an explicit name with an upper-case letter is used as written, on H2 too (issue 8)
                Arguments.of(H2, "LegacyPeople", "\"LegacyPeople\""),
                Arguments.of(H2, "personId", "\"personId\""),
                Arguments.of(PG, "LegacyPeople", "\"LegacyPeople\""),
                Arguments.of(MARIA, "LegacyPeople", "`LegacyPeople`"),
                Arguments.of(MARIA, "users", "`users`"),
                Arguments.of(MARIA, "a`b", "`a``b`"),
                Arguments.of(MARIA, "``", "``````"),
                Arguments.of(MARIA, "my \"q\"", "`my \"q\"`"));
    }

    @ParameterizedTest
    @MethodSource("quotes")
    void quoteWrapsAndDoublesTheQuoteCharacter(Dialect dialect, String identifier, String expected) {
        assertThat(dialect.quote(identifier)).isEqualTo(expected);
    }

    // column types

    static Stream<Arguments> columnTypes() {
        return Stream.of(
                Arguments.of(PG, Long.class, "BIGINT"),
                Arguments.of(PG, long.class, "BIGINT"),
                Arguments.of(PG, Integer.class, "INTEGER"),
                Arguments.of(PG, int.class, "INTEGER"),
                Arguments.of(PG, Short.class, "SMALLINT"),
                Arguments.of(PG, short.class, "SMALLINT"),
                Arguments.of(PG, Boolean.class, "BOOLEAN"),
                Arguments.of(PG, boolean.class, "BOOLEAN"),
                Arguments.of(PG, String.class, "VARCHAR(255)"),
                Arguments.of(PG, BigDecimal.class, "NUMERIC(38,10)"),
                Arguments.of(PG, Double.class, "DOUBLE PRECISION"),
                Arguments.of(PG, double.class, "DOUBLE PRECISION"),
                Arguments.of(PG, Float.class, "REAL"),
                Arguments.of(PG, float.class, "REAL"),
                Arguments.of(PG, Instant.class, "TIMESTAMP WITH TIME ZONE"),
                Arguments.of(PG, OffsetDateTime.class, "TIMESTAMP WITH TIME ZONE"),
                Arguments.of(PG, LocalDateTime.class, "TIMESTAMP"),
                Arguments.of(PG, LocalDate.class, "DATE"),
                Arguments.of(PG, UUID.class, "UUID"),
                Arguments.of(PG, byte[].class, "BYTEA"),
                Arguments.of(PG, Color.class, "VARCHAR(255)"),

                Arguments.of(H2, Long.class, "BIGINT"),
                Arguments.of(H2, long.class, "BIGINT"),
                Arguments.of(H2, Integer.class, "INTEGER"),
                Arguments.of(H2, int.class, "INTEGER"),
                Arguments.of(H2, Short.class, "SMALLINT"),
                Arguments.of(H2, Boolean.class, "BOOLEAN"),
                Arguments.of(H2, String.class, "VARCHAR(255)"),
                Arguments.of(H2, BigDecimal.class, "NUMERIC(38,10)"),
                Arguments.of(H2, Double.class, "DOUBLE PRECISION"),
                Arguments.of(H2, Float.class, "REAL"),
                Arguments.of(H2, Instant.class, "TIMESTAMP WITH TIME ZONE"),
                Arguments.of(H2, OffsetDateTime.class, "TIMESTAMP WITH TIME ZONE"),
                Arguments.of(H2, LocalDateTime.class, "TIMESTAMP"),
                Arguments.of(H2, LocalDate.class, "DATE"),
                Arguments.of(H2, UUID.class, "UUID"),
                Arguments.of(H2, byte[].class, "VARBINARY(1000000)"),
                Arguments.of(H2, Color.class, "VARCHAR(255)"),

                Arguments.of(MARIA, Long.class, "BIGINT"),
                Arguments.of(MARIA, long.class, "BIGINT"),
                Arguments.of(MARIA, Integer.class, "INTEGER"),
                Arguments.of(MARIA, int.class, "INTEGER"),
                Arguments.of(MARIA, Short.class, "SMALLINT"),
                Arguments.of(MARIA, Boolean.class, "BOOLEAN"),
                Arguments.of(MARIA, boolean.class, "BOOLEAN"),
                Arguments.of(MARIA, String.class, "VARCHAR(255)"),
                Arguments.of(MARIA, BigDecimal.class, "DECIMAL(38,10)"),
                Arguments.of(MARIA, Double.class, "DOUBLE"),
                Arguments.of(MARIA, Float.class, "FLOAT"),
                Arguments.of(MARIA, Instant.class, "DATETIME(6)"),
                Arguments.of(MARIA, OffsetDateTime.class, "DATETIME(6)"),
                Arguments.of(MARIA, LocalDateTime.class, "DATETIME(6)"),
                Arguments.of(MARIA, LocalDate.class, "DATE"),
                Arguments.of(MARIA, UUID.class, "CHAR(36)"),
                Arguments.of(MARIA, byte[].class, "LONGBLOB"),
                Arguments.of(MARIA, Color.class, "VARCHAR(255)"));
    }

    @ParameterizedTest
    @MethodSource("columnTypes")
    void columnTypeOfJavaType(Dialect dialect, Class<?> javaType, String expected) {
        assertThat(dialect.columnType(javaType)).isEqualTo(expected);
    }

    static Stream<Arguments> typesWithoutColumn() {
        return forEachDialect(List.of(
                Arguments.of(Object.class, "java.lang.Object"),
                Arguments.of(java.util.Date.class, "java.util.Date"),
                Arguments.of(ZonedDateTime.class, "java.time.ZonedDateTime"),
                Arguments.of(long[].class, "long[]")));
    }

    @ParameterizedTest
    @MethodSource("typesWithoutColumn")
    void columnTypeRejectsUnknownTypesNamingThem(Dialect dialect, Class<?> javaType, String typeName) {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.columnType(javaType))
                .withMessage("No " + dialect.name() + " column type for Java type " + typeName);
    }

    static Stream<Arguments> identityColumns() {
        return Stream.of(
                Arguments.of(PG, Long.class, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(PG, long.class, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(PG, Integer.class, "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(PG, int.class, "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(H2, Long.class, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(H2, long.class, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(H2, Integer.class, "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(H2, int.class, "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
                Arguments.of(MARIA, Long.class, "BIGINT AUTO_INCREMENT PRIMARY KEY"),
                Arguments.of(MARIA, long.class, "BIGINT AUTO_INCREMENT PRIMARY KEY"),
                Arguments.of(MARIA, Integer.class, "INTEGER AUTO_INCREMENT PRIMARY KEY"),
                Arguments.of(MARIA, int.class, "INTEGER AUTO_INCREMENT PRIMARY KEY"));
    }

    @ParameterizedTest
    @MethodSource("identityColumns")
    void identityColumnDefinesAGeneratedPrimaryKey(Dialect dialect, Class<?> javaType, String expected) {
        assertThat(dialect.identityColumn(javaType)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void identityColumnRejectsNonIntegerKeys(Dialect dialect) {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.identityColumn(UUID.class))
                .withMessageContaining("java.util.UUID");
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.identityColumn(short.class))
                .withMessageContaining("short");
    }

    // capabilities

    @ParameterizedTest
    @MethodSource("dialects")
    void maxBindParametersIsTheSixteenBitLimit(Dialect dialect) {
        assertThat(dialect.maxBindParameters()).isEqualTo(65_535);
    }

    @Test
    void onlyPostgresBindsKeySetsAsAnArray() {
        assertThat(PG.supportsArrayKeySet()).isTrue();
        assertThat(H2.supportsArrayKeySet()).isFalse();
        assertThat(MARIA.supportsArrayKeySet()).isFalse();
    }

    // key sets

    static List<Long> keys(int count) {
        return LongStream.rangeClosed(1, count).boxed().collect(Collectors.toList());
    }

    static String inList(String column, int markers) {
        return markers == 1 ? column + " = ?" : column + " IN (?" + ", ?".repeat(markers - 1) + ")";
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void emptyKeySetRendersNoCondition(Dialect dialect) {
        assertThat(dialect.keySet("t.id", List.of(), Long.class, 0)).isEmpty();
        assertThat(dialect.keySet("t.id", List.of(), Long.class, 10)).isEmpty();
    }

    @Test
    void postgresKeySetIsOneTypedArrayBind() {
        List<KeySetCondition> one = PG.keySet("\"t\".\"id\"", List.of(7L), Long.class, 0);
        List<KeySetCondition> many = PG.keySet("\"t\".\"id\"", keys(10_000), Long.class, 3);

        assertThat(one).singleElement().satisfies(condition -> {
            assertThat(condition.sql()).isEqualTo("\"t\".\"id\" = ANY(?)");
            assertThat(condition.binds()).singleElement().isInstanceOf(Long[].class);
            assertThat((Long[]) condition.binds().get(0)).containsExactly(7L);
        });
        assertThat(many).singleElement().satisfies(condition -> {
            assertThat(condition.sql()).isEqualTo(one.get(0).sql());
            assertThat(condition.binds()).hasSize(1);
            assertThat(condition.binds().get(0).getClass().getComponentType()).isEqualTo(Long.class);
            assertThat((Long[]) condition.binds().get(0)).containsExactlyElementsOf(keys(10_000));
        });
    }

    static Stream<Arguments> postgresArrays() {
        UUID other = UUID.fromString("00000000-0000-0000-0000-000000000001");
        return Stream.of(
                Arguments.of(Long.class, List.of(1L, 2L), new Long[] {1L, 2L}),
                Arguments.of(long.class, List.of(1L, 2L), new Long[] {1L, 2L}),
                Arguments.of(Integer.class, List.of(1, 2), new Integer[] {1, 2}),
                Arguments.of(int.class, List.of(1, 2), new Integer[] {1, 2}),
                Arguments.of(Short.class, List.of((short) 1), new Short[] {1}),
                Arguments.of(String.class, List.of("a", "b"), new String[] {"a", "b"}),
                Arguments.of(UUID.class, List.of(ID, other), new UUID[] {ID, other}),
                Arguments.of(Instant.class, List.of(INSTANT), new Instant[] {INSTANT}),
                // Object[] fails in r2dbc-postgresql: the first key's class is taken
                Arguments.of(Object.class, List.of(1L, 2L), new Long[] {1L, 2L}));
    }

    @Test
    void postgresKeySetRejectsKeysNotYetConvertedToTheKeyType() {
        // Keys are converted (exactly) for the key column before they get here; a silent cast would hide a mix-up.
        assertThatIllegalArgumentException().isThrownBy(() -> PG.keySet("id", List.of(1, 2), Long.class, 0))
                .withMessageContaining("java.lang.Integer").withMessageContaining("java.lang.Long");
    }

    @ParameterizedTest
    @MethodSource("postgresArrays")
    void postgresKeySetArrayHasTheKeyTypeAsComponent(Class<?> keyType, List<?> keys, Object[] expected) {
        List<KeySetCondition> conditions = PG.keySet("id", keys, keyType, 0);

        assertThat(conditions).hasSize(1);
        Object array = conditions.get(0).binds().get(0);
        assertThat(array).isExactlyInstanceOf(expected.getClass());
        assertThat((Object[]) array).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetOfOneKeyIsAnEquality(Dialect dialect) {
        assertThat(dialect.keySet("t.id", List.of(7L), Long.class, 0))
                .containsExactly(new KeySetCondition("t.id = ?", List.of(7L)));
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetOfTwoKeysIsNotPadded(Dialect dialect) {
        assertThat(dialect.keySet("t.id", List.of(1L, 2L), Long.class, 0))
                .containsExactly(new KeySetCondition("t.id IN (?, ?)", List.of(1L, 2L)));
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetOfThreeKeysIsPaddedToFourWithTheLastKey(Dialect dialect) {
        assertThat(dialect.keySet("t.id", List.of(1L, 2L, 3L), Long.class, 0))
                .containsExactly(new KeySetCondition("t.id IN (?, ?, ?, ?)", List.of(1L, 2L, 3L, 3L)));
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetOfExactlyAThousandKeysIsOneChunk(Dialect dialect) {
        assertThat(dialect.keySet("t.id", keys(1000), Long.class, 0))
                .containsExactly(new KeySetCondition(inList("t.id", 1000), List.copyOf(keys(1000))));
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetChunksAtAThousandAndPadsTheLastChunk(Dialect dialect) {
        List<Long> keys = keys(2500);

        List<KeySetCondition> conditions = dialect.keySet("`t`.`id`", keys, Long.class, 2);

        assertThat(conditions).extracting(c -> c.binds().size()).containsExactly(1000, 1000, 512);
        assertThat(conditions).extracting(KeySetCondition::sql).containsExactly(
                inList("`t`.`id`", 1000), inList("`t`.`id`", 1000), inList("`t`.`id`", 512));
        assertThat(conditions.get(0).binds()).isEqualTo(keys.subList(0, 1000));
        assertThat(conditions.get(1).binds()).isEqualTo(keys.subList(1000, 2000));
        assertThat(conditions.get(2).binds().subList(0, 500)).isEqualTo(keys.subList(2000, 2500));
        assertThat(conditions.get(2).binds().subList(500, 512)).containsOnly(2500L);
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListKeySetCoversEveryKeyWithFewStatementShapes(Dialect dialect) {
        Set<Integer> allowed = Set.of(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000);
        for (int count = 1; count <= 2100; count++) {
            List<Long> keys = keys(count);
            List<KeySetCondition> conditions = dialect.keySet("id", keys, Long.class, 0);

            assertThat(conditions).hasSize((count + 999) / 1000);
            Set<Object> covered = new HashSet<>();
            for (KeySetCondition condition : conditions) {
                int markers = (int) condition.sql().chars().filter(c -> c == '?').count();
                assertThat(condition.binds()).hasSize(markers);
                assertThat(allowed).contains(markers);
                assertThat(condition.sql()).isEqualTo(inList("id", markers));
                covered.addAll(condition.binds());
            }
            assertThat(covered).isEqualTo(new HashSet<Object>(keys));
        }
    }

    @ParameterizedTest
    @MethodSource("inListDialects")
    void inListChunksLeaveRoomForTheReservedBinds(Dialect dialect) {
        // 65,535 - 65,000 = 535 binds left: full chunks of 535, the last padded to 512
        assertThat(dialect.keySet("id", keys(2500), Long.class, 65_000))
                .extracting(c -> c.binds().size()).containsExactly(535, 535, 535, 535, 512);
        // a rest of 513 would pad to 1024: capped at the 535 available
        assertThat(dialect.keySet("id", keys(535 + 513), Long.class, 65_000))
                .extracting(c -> c.binds().size()).containsExactly(535, 535);
        assertThat(dialect.keySet("id", List.of(1L, 2L, 3L), Long.class, 65_534))
                .extracting(KeySetCondition::sql).containsExactly("id = ?", "id = ?", "id = ?");
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void keySetRejectsReservedBindsThatLeaveNoRoom(Dialect dialect) {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.keySet("id", List.of(1L), Long.class, 65_535))
                .withMessageContaining("65535");
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.keySet("id", List.of(1L), Long.class, -1))
                .withMessageContaining("-1");
    }

    @ParameterizedTest
    @CsvSource({
            "1, 1000, 1", "2, 1000, 2", "3, 1000, 4", "5, 1000, 8", "500, 1000, 512", "512, 1000, 512",
            "513, 1000, 1000", "999, 1000, 1000", "300, 535, 512", "513, 535, 535", "1, 1, 1"})
    void lastChunkIsPaddedToThePowerOfTwoAboveIt(int count, int chunk, int expected) {
        assertThat(AbstractDialect.padded(count, chunk)).isEqualTo(expected);
    }

    private static String nullString() {
        return null;
    }
}
