package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How each dialect renders a list bound to {@code IN ?}: the text that replaces {@code IN ?} and its binds.
 */
class InListUnitTests {

    private static List<Object> longs(int n) {
        List<Object> values = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            values.add(i);
        }
        return values;
    }

    @Test
    void postgresBindsOneTypedArrayAtAnySize() {
        KeySetCondition in = Dialects.postgres().inList(longs(100_000), false, 10);
        assertThat(in.sql()).isEqualTo("= ANY(?)");
        assertThat(in.binds()).hasSize(1);
        assertThat(in.binds().get(0)).isInstanceOf(Long[].class);
        assertThat((Long[]) in.binds().get(0)).hasSize(100_000);
        KeySetCondition notIn = Dialects.postgres().inList(List.of(1, 2L, (short) 3), true, 10);
        assertThat(notIn.sql()).isEqualTo("<> ALL(?)");
        assertThat((Object[]) notIn.binds().get(0)).isEqualTo(new Long[] {1L, 2L, 3L});
        KeySetCondition withNull = Dialects.postgres().inList(Arrays.asList("a", null), false, 10);
        assertThat((Object[]) withNull.binds().get(0)).isEqualTo(new String[] {"a", null});
        assertThat(Dialects.postgres().inList(List.of(UUID.randomUUID()), false, 10).binds().get(0))
                .isInstanceOf(UUID[].class);
    }

    @Test
    void postgresExpandsValuesWithNoCommonArrayTypeWithinItsBindLimit() {
        KeySetCondition mixed = Dialects.postgres().inList(List.of("a", 1L), false, 10);
        assertThat(mixed.sql()).isEqualTo("IN (?, ?)");
        assertThat(mixed.binds()).containsExactly("a", 1L);
        List<Object> many = new ArrayList<>(longs(20));
        many.add("x");
        assertThatThrownBy(() -> Dialects.postgres().inList(many, false, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("21 values");
    }

    @Test
    void emptyListsMatchNothingOrEverything() {
        assertThat(Dialects.postgres().inList(List.of(), false, 10).sql()).isEqualTo("= ANY('{}')");
        assertThat(Dialects.postgres().inList(List.of(), true, 10).sql()).isEqualTo("<> ALL('{}')");
        for (Dialect d : List.of(Dialects.h2(), Dialects.mariadb())) {
            assertThat(d.inList(List.of(), false, 10).sql()).isEqualTo("IN (SELECT NULL WHERE 1=0)");
            assertThat(d.inList(List.of(), true, 10).sql()).isEqualTo("NOT IN (SELECT NULL WHERE 1=0)");
            assertThat(d.inList(List.of(), true, 10).binds()).isEmpty();
        }
    }

    @Test
    void h2ExpandsShortListsAndBindsLongOnesAsArrays() {
        Dialect h2 = Dialects.h2();
        assertThat(h2.inList(longs(1000), false, 65_535).sql()).startsWith("IN (?, ?").endsWith(", ?)");
        assertThat(h2.inList(longs(1001), true, 65_535).sql()).isEqualTo("<> ALL(?)");
        assertThat(h2.inList(longs(65_536), false, 65_535).sql()).isEqualTo("= ANY(?)");
        KeySetCondition union = h2.inList(longs(150_000), true, 65_535);
        assertThat(union.sql()).isEqualTo("NOT IN (SELECT X FROM TABLE(X BIGINT = ?) UNION ALL SELECT X FROM "
                + "TABLE(X BIGINT = ?) UNION ALL SELECT X FROM TABLE(X BIGINT = ?))");
        assertThat(union.binds()).extracting(b -> ((Object[]) b).length).containsExactly(65_536, 65_536, 18_928);
        // r2dbc-h2 cannot bind a null array element: expanded, up to H2's 100,000 parameters.
        List<Object> withNull = new ArrayList<>(longs(2000));
        withNull.add(null);
        assertThat(h2.inList(withNull, false, 65_535).binds()).hasSize(2001);
        List<Object> tooMany = new ArrayList<>(longs(100_000));
        tooMany.add(null);
        assertThatThrownBy(() -> h2.inList(tooMany, false, 65_535)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mariaDbExpandsWhateverTheSize() {
        KeySetCondition in = Dialects.mariadb().inList(longs(100_000), false, 65_535);
        assertThat(in.sql()).startsWith("IN (?, ?");
        assertThat(in.binds()).hasSize(100_000);
    }

    @Test
    void syntaxesAndNullsOrderingAreTheDatabasesOwn() {
        assertThat(Dialects.postgres().syntax().has(SqlSyntax.Feature.TAGGED_DOLLAR_QUOTES)).isTrue();
        assertThat(Dialects.h2().syntax().has(SqlSyntax.Feature.DOUBLE_SLASH_COMMENTS)).isTrue();
        assertThat(Dialects.h2().syntax().has(SqlSyntax.Feature.TAGGED_DOLLAR_QUOTES)).isFalse();
        assertThat(Dialects.mariadb().syntax().has(SqlSyntax.Feature.BACKSLASH_ESCAPES)).isTrue();
        assertThat(Dialects.mariadb().supportsNullsOrdering()).isFalse();
        assertThat(Dialects.postgres().supportsNullsOrdering()).isTrue();
        assertThat(SqlSyntax.of(SqlSyntax.Feature.HASH_COMMENTS)).isEqualTo(SqlSyntax.of(SqlSyntax.Feature.HASH_COMMENTS));
    }
}
