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
    @Test
    void onlyPostgresInsertsFromOneArrayPerColumnTypedWithoutLengthOrScale() {
        Dialect pg = Dialects.postgres();
        assertThat(pg.supportsArrayInsert()).isTrue();
        assertThat(pg.arrayInsertType(pg.sqlType("bigint"))).contains("int8");
        assertThat(pg.arrayInsertType(pg.sqlType("integer"))).contains("int4");
        assertThat(pg.arrayInsertType(pg.sqlType("smallint"))).contains("int2");
        assertThat(pg.arrayInsertType(pg.sqlType("boolean"))).contains("bool");
        assertThat(pg.arrayInsertType(pg.sqlType("character varying(5)"))).as("no length: a cast would truncate")
                .contains("text");
        assertThat(pg.arrayInsertType(pg.sqlType("character(3)"))).contains("text");
        assertThat(pg.arrayInsertType(pg.sqlType("numeric(8,2)"))).as("no scale: a cast would round")
                .contains("numeric");
        assertThat(pg.arrayInsertType(pg.sqlType("real"))).contains("float4");
        assertThat(pg.arrayInsertType(pg.sqlType("double precision"))).contains("float8");
        assertThat(pg.arrayInsertType(pg.sqlType("date"))).contains("date");
        assertThat(pg.arrayInsertType(pg.sqlType("time without time zone"))).contains("time");
        assertThat(pg.arrayInsertType(pg.sqlType("timestamp(6) without time zone"))).contains("timestamp");
        assertThat(pg.arrayInsertType(pg.sqlType("timestamp with time zone"))).contains("timestamptz");
        assertThat(pg.arrayInsertType(pg.sqlType("uuid"))).contains("uuid");
        assertThat(pg.arrayInsertType(pg.sqlType("bytea"))).as("byte[][] elements arrive as hex text").isEmpty();
        assertThat(pg.arrayInsertType(pg.sqlType("jsonb"))).isEmpty();
        assertThat(pg.arrayInsertType(pg.sqlType("bit(1)"))).isEmpty();
        for (Dialect other : new Dialect[] {Dialects.h2(), Dialects.mariadb()}) {
            assertThat(other.supportsArrayInsert()).isFalse();
            assertThat(other.arrayInsertType(other.sqlType("BIGINT"))).isEmpty();
        }
    }
}
