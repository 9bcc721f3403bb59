package io.relata.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import io.relata.internal.sql.Scan.Placeholder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scanner reads SQL as each database reads it. Each row: the SQL, then what PostgreSQL, H2 and MariaDB make of
 * it: a placeholder count, "scope" (the text could reach outside a condition's parentheses) or "marker" (a
 * placeholder that would run into the marker Relata writes). The per-database behaviours behind the rows were
 * checked against the servers and drivers (see {@code SqlSyntax.Feature}).
 */
class SqlScannerUnitTests {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("a = ?", "1", "1", "1"),
                row("a = '?' AND b = ?", "1", "1", "1"),
                row("a = 'it''s ?' AND b = ?", "1", "1", "1"),
                // An identifier on PostgreSQL and H2, a string on MariaDB: not a placeholder either way.
                row("\"?\" = ?", "1", "1", "1"),
                row("\"a\"\"?\" = ?", "1", "1", "1"),
                // Backquotes quote only on H2 and MariaDB.
                row("`?` = ?", "2", "1", "1"),
                row("a = ? -- ?\n", "1", "1", "1"),
                row("a = ? # ?\n", "2", "2", "1"),
                row("a = ? // ?\n", "2", "1", "2"),
                row("a = ? /* ? */", "1", "1", "1"),
                // Nested on PostgreSQL and H2; MariaDB's comment ends at the first */.
                row("a = ? /* /* ? */ ? */", "1", "1", "2"),
                row("a = $$?$$ AND b = ?", "1", "1", "2"),
                row("a = $fn$ ? $fn$ AND b = ?", "1", "2", "2"),
                row("a = $$ unterminated ?", "scope", "scope", "1"),
                // A backslash before the quote: PostgreSQL's and MariaDB's settings decide where the literal ends.
                row("a = 'x\\' AND b = ?", "scope", "1", "scope"),
                row("a = E'\\'?' AND b = ?", "scope", "scope", "scope"),
                row("a = 'x\\\\' AND b = ?", "1", "1", "1"),
                row("a = 'x\\n?' AND b = ?", "1", "1", "1"),
                row("a = \"it\\\"s\" AND b = ?", "scope", "scope", "scope"),
                row("1=1) OR (1=1", "scope", "scope", "scope"),
                row("a = 1; DROP TABLE t", "scope", "scope", "scope"),
                row("a = ';' AND b = ?", "1", "1", "1"),
                row("(a = ?", "scope", "scope", "scope"),
                row("a = 'unterminated", "scope", "scope", "scope"),
                row("\"unterminated = ?", "scope", "scope", "scope"),
                row("a = 1 -- swallows the closing parenthesis", "scope", "scope", "scope"),
                row("a = 1 /* open", "scope", "scope", "scope"),
                row("a = 1 -- c\r) OR (1=1\n", "scope", "scope", "0"),
                // MariaDB's server reads "--x" as two minus signs, its driver as a comment.
                row("a = ? --x\n", "1", "1", "scope"),
                row("a = 1 /*! OR 1=1 */", "0", "0", "scope"),
                row("a = 1 /*M! OR 1=1 */", "0", "0", "scope"),
                row("a = ?1", "marker", "marker", "marker"),
                row("a = $1", "marker", "marker", "0"),
                row("a = x? AND b = $?", "marker", "marker", "2"),
                row("a = ? AND b IN ? AND c NOT IN (?)", "3", "3", "3"));
    }

    private static Arguments row(String sql, String postgres, String h2, String mariadb) {
        return Arguments.of(sql.replace("\n", "\\n").replace("\r", "\\r"), sql, postgres, h2, mariadb);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsSqlAsEachDatabaseDoes(String name, String sql, String postgres, String h2, String mariadb) {
        assertThat(outcome(sql, Dialects.postgres())).as("PostgreSQL").isEqualTo(postgres);
        assertThat(outcome(sql, Dialects.h2())).as("H2").isEqualTo(h2);
        assertThat(outcome(sql, Dialects.mariadb())).as("MariaDB").isEqualTo(mariadb);
    }

    private static String outcome(String sql, Dialect dialect) {
        Scan result = SqlScanner.scan(sql, dialect.syntax());
        if (result.markerProblem() != null) {
            return "marker";
        }
        if (result.scopeProblem() != null) {
            return "scope";
        }
        return Integer.toString(result.placeholders().size());
    }

    @Test
    void findsTheInBeforeAPlaceholder() {
        String sql = "a IN ? AND b NOT /* c */ IN ? AND c IN ( ? ) AND d IN (?, ?) AND e = ? AND f in?";
        List<Placeholder> p = SqlScanner.scan(sql, Dialects.mariadb().syntax()).placeholders();
        assertThat(p).hasSize(7);
        assertThat(sql.substring(p.get(0).listStart(), p.get(0).listEnd())).isEqualTo("IN ?");
        assertThat(p.get(0).negated()).isFalse();
        assertThat(sql.substring(p.get(1).listStart(), p.get(1).listEnd())).isEqualTo("NOT /* c */ IN ?");
        assertThat(p.get(1).negated()).isTrue();
        assertThat(sql.substring(p.get(2).listStart(), p.get(2).listEnd())).isEqualTo("IN ( ? )");
        assertThat(p.get(3).inList()).as("IN (?, ?) is two values").isFalse();
        assertThat(p.get(4).inList()).isFalse();
        assertThat(p.get(5).inList()).isFalse();
        assertThat(sql.substring(p.get(6).listStart(), p.get(6).listEnd())).isEqualTo("in?");
    }

    @Test
    void reportsWhereTheProblemIs() {
        Scan result = SqlScanner.scan("name = 'x') OR (1=1", Dialects.postgres().syntax());
        assertThat(result.scopeProblem()).isNotNull();
        assertThat(result.scopeProblem().offset()).isEqualTo(10);
        assertThat(result.scopeProblem().message()).contains("')' closes a parenthesis");
    }
}
