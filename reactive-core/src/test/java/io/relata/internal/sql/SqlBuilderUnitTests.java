package io.relata.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlBuilderUnitTests {

    static Stream<Arguments> dialects() {
        return Stream.of(
                Arguments.of(Dialects.postgres(),
                        "SELECT \"users\".\"name\" FROM \"users\" WHERE (name = $1 AND age IN ($2, $3)) AND x = $4"),
                Arguments.of(Dialects.h2(),
                        "SELECT \"USERS\".\"NAME\" FROM \"USERS\" WHERE (name = $1 AND age IN ($2, $3)) AND x = $4"),
                Arguments.of(Dialects.mariadb(),
                        "SELECT `users`.`name` FROM `users` WHERE (name = ? AND age IN (?, ?)) AND x = ?"));
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void rendersPlaceholdersQuotingAndBindsPerDialect(Dialect dialect, String expected) {
        Sql sql = new SqlBuilder(dialect).sql("SELECT ").column("users", "name").sql(" FROM ").id("users")
                .sql(" WHERE (").fragment(Fragment.of("name = ? AND age IN ?", "ann", List.of(1, 2))).sql(")")
                .sql(" AND x = ").bind(null, Long.class)
                .build();
        assertThat(sql.text()).isEqualTo(expected);
        assertThat(sql.binds()).extracting(Bind::value).containsExactly("ann", 1, 2, null);
        assertThat(sql.binds().get(3).nullType()).isEqualTo(Long.class);
    }

    @Test
    void hostileValuesAreBoundNeverSpliced() {
        String hostile = "x'; DROP TABLE users; --";
        Sql sql = new SqlBuilder(Dialects.postgres()).sql("SELECT 1 WHERE ").fragment(Fragment.of("name = ?", hostile))
                .build();
        assertThat(sql.text()).isEqualTo("SELECT 1 WHERE name = $1").doesNotContain("DROP");
        assertThat(sql.binds()).extracting(Bind::value).containsExactly(hostile);
    }

    @Test
    void questionMarksInsideQuotesAreNotPlaceholders() {
        assertThat(Fragment.placeholders("a = '?' AND b = \"?\" AND c = ? AND d = `?`")).isEqualTo(1);
        Sql sql = new SqlBuilder(Dialects.postgres()).fragment(Fragment.of("a = '?' AND c = ?", 5)).build();
        assertThat(sql.text()).isEqualTo("a = '?' AND c = $1");
    }

    @Test
    void aWrongArgumentCountIsRejectedWithTheCounts() {
        assertThatThrownBy(() -> Fragment.of("a = ? AND b = ?", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 placeholders").hasMessageContaining("1 argument");
        assertThatThrownBy(() -> Fragment.of("a = 1", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullVarargsArrayIsOneNullArgument() {
        Fragment f = Fragment.of("a = ?", (Object[]) null);
        assertThat(f.args()).isEqualTo(Arrays.asList((Object) null));
    }

    @Test
    void emptyCollectionsRenderAsNullList() {
        Sql sql = new SqlBuilder(Dialects.postgres()).fragment(Fragment.of("id IN ?", List.of())).build();
        assertThat(sql.text()).isEqualTo("id IN (NULL)");
        assertThat(sql.binds()).isEmpty();
    }

    @Test
    void valuesAreConvertedExactlyNowAndForTheDriverWhenSent() {
        Instant now = Instant.parse("2024-01-02T03:04:05Z");
        Sql sql = new SqlBuilder(Dialects.mariadb()).bind(now, Instant.class).bind(5, Long.class).build();
        // The driver's form (a MariaDB DATETIME's LocalDateTime in the instance's zone) is made by the Binder.
        assertThat(sql.binds()).extracting(Bind::value).containsExactly(now, 5L);
        assertThat(sql.binds()).extracting(Bind::converted).containsExactly(false, false);
        assertThatThrownBy(() -> new SqlBuilder(Dialects.mariadb()).bind(3.9, Integer.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9 has a fraction");
    }
}
