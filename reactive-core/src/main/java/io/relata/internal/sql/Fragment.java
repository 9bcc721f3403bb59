package io.relata.internal.sql;

import io.relata.dialect.Dialect;
import io.relata.dialect.SqlSyntax;
import io.relata.internal.sql.Scan.Placeholder;
import io.relata.internal.sql.Scan.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * SQL with {@code ?} placeholders and its arguments, checked when it is created so that a wrong argument count, or a
 * condition that could reach outside the parentheses Relata puts around it, fails before any SQL is sent. A
 * {@link Collection} argument after {@code IN} is rendered by the dialect as one array or an expanded list; elsewhere
 * it expands to a parenthesised list, as GORM expands a slice.
 *
 * <p>The placeholders are found by {@link SqlScanner} with the database's {@link SqlSyntax}. A fragment made without
 * a dialect is scanned with SQL's standard rules, then again with the dialect's when it is rendered, where the same
 * checks apply; so it is never rendered on rules it was not checked against.
 */
public final class Fragment {

    private final String sql;

    private final List<@Nullable Object> args;

    private final boolean statement;

    private final SqlSyntax syntax;

    private final List<Placeholder> placeholders;

    private Fragment(String sql, List<@Nullable Object> args, boolean statement, SqlSyntax syntax) {
        this.sql = Objects.requireNonNull(sql, (statement ? "statement" : "condition") + " must not be null");
        this.args = Collections.unmodifiableList(new ArrayList<>(args));
        this.statement = statement;
        this.syntax = syntax;
        this.placeholders = check(sql, this.args, statement, syntax);
    }

    /**
     * A condition of Relata's own, or one whose dialect is not known here: checked with SQL's standard rules now, and
     * with the dialect's when rendered.
     *
     * @param sql the condition
     * @param args one argument per placeholder
     * @throws IllegalArgumentException when the condition is rejected or the counts differ
     */
    public Fragment(String sql, List<@Nullable Object> args) {
        this(sql, args, false, SqlSyntax.STANDARD);
    }

    /**
     * A condition checked with SQL's standard rules, from varargs ({@code null} array means one {@code null}).
     *
     * @param sql the condition
     * @param args the arguments
     * @return the fragment
     * @throws IllegalArgumentException when the condition is rejected or the counts differ
     */
    public static Fragment of(String sql, @Nullable Object @Nullable... args) {
        return new Fragment(sql, list(args));
    }

    /**
     * A user's condition ({@code where}, a preload's or a join's), checked with the dialect's rules: it must keep
     * inside its parentheses.
     *
     * @param dialect the dialect
     * @param sql the condition
     * @param args the arguments ({@code null} array means one {@code null})
     * @return the fragment
     * @throws IllegalArgumentException when the condition is rejected or the counts differ
     */
    public static Fragment condition(Dialect dialect, String sql, @Nullable Object @Nullable... args) {
        return new Fragment(sql, list(args), false, dialect.syntax());
    }

    /**
     * A whole raw statement ({@code exec}): only its placeholders are checked.
     *
     * @param dialect the dialect
     * @param sql the statement
     * @param args the arguments ({@code null} array means one {@code null})
     * @return the fragment
     * @throws IllegalArgumentException when a placeholder is misused or the counts differ
     */
    public static Fragment statement(Dialect dialect, String sql, @Nullable Object @Nullable... args) {
        return new Fragment(sql, list(args), true, dialect.syntax());
    }

    private static List<@Nullable Object> list(@Nullable Object @Nullable [] args) {
        return args == null ? Collections.singletonList(null) : Arrays.asList(args);
    }

    /** @return the SQL text */
    public String sql() {
        return this.sql;
    }

    /** @return the arguments, one per placeholder */
    public List<@Nullable Object> args() {
        return this.args;
    }

    /**
     * The placeholders as the database with this syntax reads the text, checked again when that is not the syntax
     * the fragment was created with.
     *
     * @param syntax the rendering dialect's syntax
     * @return the placeholders
     * @throws IllegalArgumentException when the text is rejected under that syntax
     */
    List<Placeholder> placeholders(SqlSyntax syntax) {
        return syntax.equals(this.syntax) ? this.placeholders : check(this.sql, this.args, this.statement, syntax);
    }

    /**
     * Counts the placeholders of a condition under SQL's standard rules.
     *
     * @param sql the text
     * @return the count
     */
    public static int placeholders(String sql) {
        return SqlScanner.scan(sql, SqlSyntax.STANDARD).placeholders().size();
    }

    private static List<Placeholder> check(String sql, List<@Nullable Object> args, boolean statement,
            SqlSyntax syntax) {
        String noun = statement ? "statement" : "condition";
        if (sql.isBlank()) {
            throw new IllegalArgumentException("The " + noun + " must not be blank");
        }
        Scan scan = SqlScanner.scan(sql, syntax);
        Problem problem = scan.markerProblem() != null ? scan.markerProblem() : statement ? null : scan.scopeProblem();
        if (problem != null) {
            throw new IllegalArgumentException("The " + noun + " " + quoted(sql) + " is rejected before any SQL is "
                    + "sent: " + problem.message() + " (at position " + problem.offset() + ")"
                    + (statement ? "" : "; a condition must stay inside the parentheses Relata puts around it"));
        }
        int count = scan.placeholders().size();
        if (count != args.size()) {
            throw new IllegalArgumentException("The " + noun + " " + quoted(sql) + " has " + count + " placeholder"
                    + (count == 1 ? "" : "s") + " but " + args.size() + " argument" + (args.size() == 1 ? " was" : "s were")
                    + " given");
        }
        return scan.placeholders();
    }

    private static String quoted(String sql) {
        String shown = sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
        return "\"" + shown + "\"";
    }

    @Override
    public String toString() {
        return this.sql + (this.args.isEmpty() ? "" : " " + this.args);
    }
}
