package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact Java-to-Java conversions ids and {@code update} values go through (issue 9: {@code update(e, "age", 3.9)}
 * stored 3, {@code 70000} into a {@code Short} 4464, {@code 1e30} into a {@code Long} 5076944270305263616, and
 * {@code findById(1.9)} found row 1).
 */
class ConversionsUnitTests {

    static final Conversions UTC = Conversions.of(ZoneOffset.UTC);

    static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    enum Mood { CALM, ANGRY }

    static Stream<Arguments> exact() {
        return Stream.of(
                Arguments.of(7, long.class, 7L),
                Arguments.of(7L, int.class, 7),
                Arguments.of(7, Short.class, (short) 7),
                Arguments.of(new BigDecimal("12.000"), Long.class, 12L),
                Arguments.of(3.0d, Integer.class, 3),
                Arguments.of(new BigInteger("9223372036854775807"), Long.class, Long.MAX_VALUE),
                Arguments.of(" 42 ", Long.class, 42L),
                Arguments.of("1e3", Integer.class, 1000),
                Arguments.of(42L, String.class, "42"),
                Arguments.of(new BigDecimal("1E+3"), String.class, "1000"),
                Arguments.of(1.0e10d, String.class, "10000000000"),
                Arguments.of(0.1f, Double.class, 0.1d),
                Arguments.of(0.1d, Float.class, 0.1f),
                Arguments.of(16_777_217L, Double.class, 16_777_217d),
                Arguments.of(2.5d, BigDecimal.class, new BigDecimal("2.5")),
                Arguments.of("t", Boolean.class, true),
                Arguments.of(0, boolean.class, false),
                Arguments.of(ID.toString().toUpperCase(java.util.Locale.ROOT), UUID.class, ID),
                Arguments.of("123e4567e89b12d3a456426614174000", UUID.class, ID),
                Arguments.of(ID, String.class, ID.toString()),
                Arguments.of("ANGRY", Mood.class, Mood.ANGRY),
                Arguments.of(0, Mood.class, Mood.CALM),
                Arguments.of(Mood.ANGRY, Integer.class, 1),
                Arguments.of(Mood.ANGRY, String.class, "ANGRY"),
                Arguments.of(LocalDate.of(2024, 1, 2), LocalDateTime.class, LocalDateTime.of(2024, 1, 2, 0, 0)),
                Arguments.of(LocalDateTime.of(2024, 1, 2, 0, 0), LocalDate.class, LocalDate.of(2024, 1, 2)),
                Arguments.of(OffsetDateTime.parse("2024-01-02T05:00:00+05:00"), OffsetDateTime.class,
                        OffsetDateTime.parse("2024-01-02T00:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource("exact")
    void exactValuesConvert(Object value, Class<?> target, Object expected) {
        assertThat(UTC.convert(value, target)).isEqualTo(expected).isExactlyInstanceOf(expected.getClass());
    }

    static Stream<Arguments> inexact() {
        return Stream.of(
                Arguments.of(3.9d, int.class, "3.9 has a fraction, which a java.lang.Integer would drop"),
                Arguments.of(1.9d, Long.class, "1.9 has a fraction"),
                Arguments.of(new BigDecimal("2.5"), Long.class, "2.5 has a fraction"),
                Arguments.of(70_000, Short.class, "70000 is out of the range of java.lang.Short (-32768 to 32767)"),
                Arguments.of(1e30d, Long.class, "1.0E30 is out of the range of java.lang.Long"),
                Arguments.of(Long.MAX_VALUE, Integer.class, "out of the range of java.lang.Integer"),
                Arguments.of(300, byte.class, "out of the range of java.lang.Byte"),
                Arguments.of(Long.MAX_VALUE, Double.class, "has no exact java.lang.Double"),
                Arguments.of(0.123456789d, Float.class, "has no exact java.lang.Float"),
                Arguments.of(1e300d, Float.class, "has no exact java.lang.Float"),
                Arguments.of(Double.NaN, BigDecimal.class, "NaN is not a finite number"),
                Arguments.of("4x2", Long.class, "'4x2' is not a number"),
                Arguments.of(2, Boolean.class, "2 is not a boolean"),
                Arguments.of("maybe", Boolean.class, "'maybe' is not a boolean"),
                Arguments.of("1-2-3-4-5", UUID.class, "'1-2-3-4-5' is not a UUID"),
                Arguments.of("CONFUSED", Mood.class, "'CONFUSED' is no constant of"),
                Arguments.of(2, Mood.class, "2 is no ordinal of"),
                Arguments.of(LocalDateTime.of(2024, 1, 2, 3, 4), LocalDate.class, "its time of day would be lost"),
                Arguments.of(ID, Long.class, "Cannot convert a java.util.UUID to java.lang.Long"),
                Arguments.of(LocalDate.of(2024, 1, 2), Instant.class, "Cannot convert a java.time.LocalDate to"));
    }

    @ParameterizedTest
    @MethodSource("inexact")
    void inexactValuesAreRejectedNamingTheValueAndTheReason(Object value, Class<?> target, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> UTC.convert(value, target)).withMessageContaining(message);
    }

    @Test
    void wallTimesAreInTheConversionsZone() {
        Conversions kolkata = Conversions.of(ZoneId.of("Asia/Kolkata"));
        Instant instant = Instant.parse("2024-05-06T07:08:09Z");
        LocalDateTime wall = LocalDateTime.parse("2024-05-06T12:38:09");

        assertThat(kolkata.convert(instant, LocalDateTime.class)).isEqualTo(wall);
        assertThat(kolkata.convert(wall, Instant.class)).isEqualTo(instant);
        assertThat(kolkata.convert(wall, OffsetDateTime.class)).isEqualTo(instant.atOffset(ZoneOffset.UTC));
        assertThat(UTC.convert(wall, Instant.class)).isEqualTo(Instant.parse("2024-05-06T12:38:09Z"));
        assertThat(Conversions.of(ZoneId.of("Asia/Kolkata"))).isSameAs(kolkata);
        assertThat(kolkata.zone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
    }

    @Test
    void instantsInTurnBecomeTheirOwnUtcTimes() {
        // The converter remembers its last conversion (rows of a batch share one instant): alternating instants
        // must each get their own value, not the remembered one.
        Instant first = Instant.parse("2024-05-06T07:08:09Z");
        Instant second = Instant.parse("2024-05-06T07:08:09.000000001Z");
        for (Instant instant : List.of(first, first, second, first, second, second)) {
            assertThat(UTC.convert(instant, OffsetDateTime.class)).isEqualTo(instant.atOffset(ZoneOffset.UTC));
        }
        LocalDateTime wall = LocalDateTime.parse("2024-05-06T12:38:09");
        Conversions kolkata = Conversions.of(ZoneId.of("Asia/Kolkata"));
        assertThat(kolkata.convert(wall, OffsetDateTime.class)).isEqualTo(first.atOffset(ZoneOffset.UTC));
        assertThat(UTC.convert(wall, OffsetDateTime.class)).isEqualTo(wall.atOffset(ZoneOffset.UTC));
    }

    @Test
    void eachZoneKeepsItsOwnConversions() {
        Conversions kolkata = Conversions.of(ZoneId.of("Asia/Kolkata"));
        Conversions utc = Conversions.of(ZoneOffset.UTC);
        assertThat(Conversions.of(ZoneId.of("Asia/Kolkata"))).isSameAs(kolkata);
        assertThat(Conversions.of(ZoneOffset.UTC)).isSameAs(utc).isNotSameAs(kolkata);
        assertThat(Conversions.of(ZoneId.of("Asia/Kolkata")).zone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
    }

    @Test
    void aBufferIsCopiedFromItsPositionWithoutMovingIt() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 1, 2, 3});
        buffer.position(1);

        assertThat((byte[]) UTC.convert(buffer, byte[].class)).containsExactly(1, 2, 3);
        assertThat(buffer.position()).isEqualTo(1);
    }

    @Test
    void convertersAreChosenOnceAndKnowWhenNothingConverts() {
        assertThat(UTC.converter(Integer.class, Integer.class)).isNotNull();
        assertThat(UTC.converter(int.class, Long.class)).isSameAs(UTC.converter(Integer.class, Long.class));
        assertThat(UTC.converter(UUID.class, Long.class)).isNull();
        assertThat(UTC.convertible(byte[].class, Instant.class)).isFalse();
        assertThat(UTC.convertible(Mood.ANGRY.getClass(), Integer.class)).isTrue();
    }
}
