package io.relata.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TypesUnitTests {

    @Test
    void keysConvertBetweenNumbersAndText() {
        assertThat(Types.convert(5, Long.class)).isEqualTo(5L);
        assertThat(Types.convert(5L, int.class)).isEqualTo(5);
        assertThat(Types.convert("42", Long.class)).isEqualTo(42L);
        assertThat(Types.convert(42L, String.class)).isEqualTo("42");
        UUID id = UUID.randomUUID();
        assertThat(Types.convert(id.toString(), UUID.class)).isEqualTo(id);
        assertThat(Types.convert(id, String.class)).isEqualTo(id.toString());
    }

    @Test
    void timestampsConvertThroughUtc() {
        Instant i = Instant.parse("2024-05-06T07:08:09Z");
        assertThat(Types.convert(i.atOffset(ZoneOffset.ofHours(3)), Instant.class)).isEqualTo(i);
        assertThat(Types.convert(LocalDateTime.of(2024, 5, 6, 7, 8, 9), Instant.class)).isEqualTo(i);
        assertThat(Types.convert(i, OffsetDateTime.class)).isEqualTo(i.atOffset(ZoneOffset.UTC));
    }

    @Test
    void unconvertibleValuesNameBothTypes() {
        assertThatThrownBy(() -> Types.convert("abc", Long.class)).hasMessageContaining("abc").hasMessageContaining("Long");
        assertThatThrownBy(() -> Types.convert(new Object(), Instant.class)).hasMessageContaining("java.time.Instant");
    }

    @Test
    void blankKeysAreNullOrZero() {
        assertThat(Property.isBlankValue(null)).isTrue();
        assertThat(Property.isBlankValue(0L)).isTrue();
        assertThat(Property.isBlankValue(0)).isTrue();
        assertThat(Property.isBlankValue(1L)).isFalse();
        assertThat(Property.isBlankValue("")).isFalse();
    }

    @Test
    void primitivesHaveZeroValues() {
        assertThat(Types.zero(int.class)).isEqualTo(0);
        assertThat(Types.zero(boolean.class)).isEqualTo(false);
        assertThat(Types.zero(Long.class)).isNull();
    }
}
