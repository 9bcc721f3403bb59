package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DialectCapabilitiesUnitTests {

    @Test
    void postgresStreamsWithAFetchSizeAndCursors() {
        Dialect pg = Dialects.postgres();
        assertThat(pg.streamingFetchSize()).isEqualTo(10_000);
        assertThat(pg.supportsCursors()).isTrue();
        assertThat(pg.blockingDriver()).isFalse();
        assertThat(pg.currentSchema()).isEqualTo("current_schema()");
        assertThat(pg.limitForOffsetOnly()).isEmpty();
        assertThat(pg.foreignKeyNeedsUniqueConstraint()).isFalse();
        assertThat(pg.generatedKeyColumn("personId")).isEqualTo("\"personId\"");
        assertThat(pg.caseInsensitiveCatalog()).isFalse();
    }

    @Test
    void h2BlocksItsSubscriberAndWantsUniqueConstraints() {
        Dialect h2 = Dialects.h2();
        assertThat(h2.blockingDriver()).isTrue();
        assertThat(h2.foreignKeyNeedsUniqueConstraint()).isTrue();
        assertThat(h2.supportsCursors()).isFalse();
        assertThat(h2.streamingFetchSize()).isZero();
        assertThat(h2.currentSchema()).isEqualTo("CURRENT_SCHEMA");
        assertThat(h2.generatedKeyColumn("personId")).isEqualTo("personId");
        assertThat(h2.caseInsensitiveCatalog()).isFalse();
    }

    @Test
    void mariaDbNeedsALimitBeforeAnOffset() {
        Dialect maria = Dialects.mariadb();
        assertThat(maria.limitForOffsetOnly()).isEqualTo("18446744073709551615");
        assertThat(maria.currentSchema()).isEqualTo("DATABASE()");
        assertThat(maria.blockingDriver()).isFalse();
        assertThat(maria.supportsCursors()).isFalse();
        assertThat(maria.generatedKeyColumn("personId")).isEqualTo("personId");
        assertThat(maria.caseInsensitiveCatalog()).isTrue();
    }
}
