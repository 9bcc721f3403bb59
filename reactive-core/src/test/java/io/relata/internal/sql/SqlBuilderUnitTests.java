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
                        "SELECT \"users\".\"name\" FROM \"users\" WHERE (name = $1 AND age = ANY($2)) AND x = $3"),
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
        if (dialect.supportsArrayKeySet()) {
            assertThat(sql.binds()).extracting(Bind::value).containsExactly("ann", new Integer[] {1, 2}, null);
        }
        else {
            assertThat(sql.binds()).extracting(Bind::value).containsExactly("ann", 1, 2, null);
        }
        assertThat(sql.binds().get(sql.binds().size() - 1).nullType()).isEqualTo(Long.class);
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
        assertThat(Fragment.placeholders("a = '?' AND b = \"?\" AND c = ?")).isEqualTo(1);
        Sql sql = new SqlBuilder(Dialects.postgres()).fragment(Fragment.of("a = '?' AND c = ?", 5)).build();
        assertThat(sql.text()).isEqualTo("a = '?' AND c = $1");
        Sql maria = new SqlBuilder(Dialects.mariadb())
                .fragment(Fragment.condition(Dialects.mariadb(), "d = `?` AND e = '\\\\' AND f = ?", 5)).build();
        assertThat(maria.text()).isEqualTo("d = `?` AND e = '\\\\' AND f = ?");
    }

    @Test
    void aFragmentMadeWithoutADialectIsCheckedAgainWithTheDialectsRules() {
        // Standard SQL reads # as an operator; MariaDB reads the rest of the line as a comment.
        Fragment f = Fragment.of("a = ? # ?\n", 1, 2);
        assertThatThrownBy(() -> new SqlBuilder(Dialects.mariadb()).fragment(f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 placeholder but 2 arguments");
        assertThat(new SqlBuilder(Dialects.postgres()).fragment(f).build().text()).isEqualTo("a = $1 # $2\n");
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

    static Stream<Arguments> emptyLists() {
        return Stream.of(
                Arguments.of(Dialects.postgres(), "id = ANY('{}') AND k <> ALL('{}')"),
                Arguments.of(Dialects.h2(), "id IN (SELECT NULL WHERE 1=0) AND k NOT IN (SELECT NULL WHERE 1=0)"),
                Arguments.of(Dialects.mariadb(), "id IN (SELECT NULL WHERE 1=0) AND k NOT IN (SELECT NULL WHERE 1=0)"));
    }

    @ParameterizedTest
    @MethodSource("emptyLists")
    void emptyListsKeepTheMeaningOfAnEmptySet(Dialect dialect, String expected) {
        Sql sql = new SqlBuilder(dialect)
                .fragment(Fragment.condition(dialect, "id IN ? AND k NOT IN (?)", List.of(), List.of())).build();
        assertThat(sql.text()).isEqualTo(expected);
        assertThat(sql.binds()).isEmpty();
    }

    @Test
    void aCollectionOutsideInExpandsToAParenthesisedList() {
        Sql sql = new SqlBuilder(Dialects.postgres()).fragment(Fragment.of("(a, b) = ? OR c IN ?", List.of(1, 2),
                List.of(List.of(3, 4)))).build();
        assertThat(sql.text()).isEqualTo("(a, b) = ($1, $2) OR c IN (($3, $4))");
        assertThat(sql.binds()).extracting(Bind::value).containsExactly(1, 2, 3, 4);
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
