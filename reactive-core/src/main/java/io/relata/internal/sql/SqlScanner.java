package io.relata.internal.sql;

import io.relata.dialect.SqlSyntax;
import io.relata.dialect.SqlSyntax.Feature;
import io.relata.internal.sql.Scan.Placeholder;
import io.relata.internal.sql.Scan.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads SQL the way the database (and its driver) will: which text is a string literal, a quoted identifier, a
 * dollar-quoted string or a comment, so that a {@code ?} there is not taken for a placeholder and a parenthesis or
 * {@code ;} there is not taken for code. One scanner serves counting (a wrong argument count fails before SQL) and
 * binding (the builder replaces exactly the placeholders found here).
 *
 * <p>It also reports what would let a user's condition reach outside the parentheses Relata puts around it: a
 * {@code )} it did not open, a {@code ;}, an unterminated literal or comment, a line comment that would swallow the
 * closing parenthesis, and the constructs the database and its driver read differently (each case names the
 * measurement behind it in {@link SqlSyntax.Feature}). Those are scope problems; a whole statement ({@code exec})
 * is not held to them. Marker problems ({@code ?1}, {@code $1}) are reported for both.
 */
public final class SqlScanner {

    private final String sql;

    private final SqlSyntax syntax;

    private final int length;

    private final List<Placeholder> placeholders = new ArrayList<>();

    private @Nullable Problem scopeProblem;

    private @Nullable Problem markerProblem;

    private int i;

    private int depth;

    // What the last significant tokens were, to recognise "[NOT] IN ?" and "[NOT] IN (?)".
    private int notAt = -1;

    private int inAt = -1;

    private boolean inNegated;

    private int inParenAt = -1;

    private @Nullable Placeholder pending;

    private SqlScanner(String sql, SqlSyntax syntax) {
        this.sql = sql;
        this.syntax = syntax;
        this.length = sql.length();
    }

    /**
     * Scans SQL.
     *
     * @param sql the text
     * @param syntax the database's lexical rules
     * @return the placeholders and the first problems found
     */
    public static Scan scan(String sql, SqlSyntax syntax) {
        SqlScanner scanner = new SqlScanner(sql, syntax);
        scanner.run();
        return new Scan(List.copyOf(scanner.placeholders), scanner.scopeProblem, scanner.markerProblem);
    }

    private void run() {
        while (this.i < this.length) {
            char c = this.sql.charAt(this.i);
            char next = at(this.i + 1);
            if (Character.isWhitespace(c)) {
                this.i++;
            }
            else if (c == '-' && next == '-') {
                if (has(Feature.DASH_DASH_NEEDS_SPACE) && !spaceOrControl(this.i + 2)) {
                    scope(this.i, "'--' without a space after it is two minus signs to the database but a comment to "
                            + "its driver; write '- -' or '-- '");
                }
                lineComment(this.i + 2);
            }
            else if (c == '#' && has(Feature.HASH_COMMENTS) || c == '/' && next == '/' && has(Feature.DOUBLE_SLASH_COMMENTS)) {
                lineComment(this.i + (c == '#' ? 1 : 2));
            }
            else if (c == '/' && next == '*') {
                blockComment();
            }
            else if (c == '\'') {
                literal(this.i, this.i + 1, '\'', has(Feature.BACKSLASH_ESCAPES));
            }
            else if (c == '"') {
                if (has(Feature.DOUBLE_QUOTED_STRINGS)) {
                    literal(this.i, this.i + 1, '"', has(Feature.BACKSLASH_ESCAPES));
                }
                else {
                    quotedIdentifier('"');
                }
            }
            else if (c == '`' && has(Feature.BACKQUOTED_IDENTIFIERS)) {
                quotedIdentifier('`');
            }
            else if (c == '$') {
                dollar();
            }
            else if (c == '?') {
                placeholder();
            }
            else if (identifierStart(c)) {
                word();
            }
            else if (c >= '0' && c <= '9') {
                number();
            }
            else {
                punctuation(c);
            }
        }
        finishPending(-1);
        if (this.depth > 0 && this.scopeProblem == null) {
            scope(this.length, this.depth + " parenthes" + (this.depth == 1 ? "is is" : "es are") + " left open");
        }
    }

    private void punctuation(char c) {
        if (c == '(') {
            boolean afterIn = this.inAt >= 0;
            int start = this.inAt;
            boolean negated = this.inNegated;
            significant(false);
            if (afterIn) {
                this.inParenAt = start;
                this.inNegated = negated;
            }
            this.depth++;
        }
        else if (c == ')') {
            finishPending(this.i);
            significant(true);
            this.depth--;
            if (this.depth < 0) {
                scope(this.i, "')' closes a parenthesis the text did not open");
                this.depth = 0;
            }
        }
        else {
            if (c == ';') {
                scope(this.i, "';' ends the statement");
            }
            significant(false);
        }
        this.i++;
    }

    private void lineComment(int from) {
        int start = this.i;
        int end = this.sql.indexOf('\n', from);
        int carriageReturn = this.sql.indexOf('\r', from);
        if (has(Feature.CARRIAGE_RETURN_ENDS_COMMENTS) && carriageReturn >= 0 && (end < 0 || carriageReturn < end)) {
            scope(carriageReturn, "a carriage return inside a line comment ends it for the database but not for the "
                    + "driver; end the comment with a line feed");
        }
        if (end < 0) {
            scope(start, "a line comment runs to the end of the text and would swallow what follows it (the closing "
                    + "parenthesis); end it with a line break or use /* */");
            this.i = this.length;
        }
        else {
            this.i = end + 1;
        }
    }

    private void blockComment() {
        int start = this.i;
        if (has(Feature.EXECUTABLE_COMMENTS) && (at(start + 2) == '!' || at(start + 2) == 'M' && at(start + 3) == '!')) {
            scope(start, "the database runs the inside of /*! ... */ as SQL");
        }
        int nesting = 1;
        int j = start + 2;
        while (j < this.length && nesting > 0) {
            if (this.sql.startsWith("/*", j) && has(Feature.NESTED_BLOCK_COMMENTS)) {
                nesting++;
                j += 2;
            }
            else if (this.sql.startsWith("*/", j)) {
                nesting--;
                j += 2;
            }
            else {
                j++;
            }
        }
        if (nesting > 0) {
            scope(start, "a block comment is not closed");
        }
        this.i = j;
    }

    /**
     * A string literal from {@code quoteAt}; the text starts at {@code from} (after an {@code E} prefix too). A doubled
     * quote is a quote. With escapes a backslash takes the next character with it.
     */
    private void literal(int start, int from, char quote, boolean escapes) {
        boolean settingDependent = has(Feature.SETTING_DEPENDENT_BACKSLASHES);
        int j = from;
        while (j < this.length) {
            char ch = this.sql.charAt(j);
            if (ch == '\\') {
                int run = 1;
                while (at(j + run) == '\\') {
                    run++;
                }
                // Under the other setting an odd run before the quote escapes it (or stops escaping it): the literal
                // would end somewhere else.
                if (settingDependent && run % 2 == 1 && at(j + run) == quote) {
                    scope(j, "a backslash before a quote inside a literal ends the literal under one database "
                            + "setting and not under the other; write the quote doubled, or bind the value");
                }
                j += escapes && run % 2 == 1 ? run + 1 : run;
            }
            else if (ch == quote) {
                if (at(j + 1) == quote) {
                    j += 2;
                }
                else {
                    significant(false);
                    this.i = j + 1;
                    return;
                }
            }
            else {
                j++;
            }
        }
        scope(start, "a string literal is not closed");
        this.i = this.length;
    }

    private void quotedIdentifier(char quote) {
        int start = this.i;
        int j = start + 1;
        while (j < this.length) {
            if (this.sql.charAt(j) == quote) {
                if (at(j + 1) != quote) {
                    significant(false);
                    this.i = j + 1;
                    return;
                }
                j++;
            }
            j++;
        }
        scope(start, "a quoted identifier is not closed");
        this.i = this.length;
    }

    private void dollar() {
        int start = this.i;
        char next = at(start + 1);
        if (has(Feature.DOLLAR_QUOTES)) {
            int tagEnd = start + 1;
            if (next != '$' && has(Feature.TAGGED_DOLLAR_QUOTES) && identifierStart(next)) {
                while (tagEnd < this.length && identifierPart(this.sql.charAt(tagEnd)) && this.sql.charAt(tagEnd) != '$') {
                    tagEnd++;
                }
            }
            if (at(tagEnd) == '$') {
                String delimiter = this.sql.substring(start, tagEnd + 1);
                int close = this.sql.indexOf(delimiter, tagEnd + 1);
                significant(false);
                if (close < 0) {
                    scope(start, "a dollar-quoted string (" + delimiter + ") is not closed");
                    this.i = this.length;
                }
                else {
                    this.i = close + delimiter.length();
                }
                return;
            }
        }
        if (has(Feature.NUMBERED_PARAMETERS) && next >= '0' && next <= '9') {
            marker(start, "$" + next + " is a numbered parameter marker, which Relata writes itself; use ?");
        }
        significant(false);
        this.i++;
    }

    private void placeholder() {
        int at = this.i;
        if (at(at + 1) >= '0' && at(at + 1) <= '9') {
            marker(at, "a digit right after '?' makes a numbered parameter; put a space between them");
        }
        if (has(Feature.NUMBERED_PARAMETERS) && at > 0
                && (this.sql.charAt(at - 1) == '$' || identifierPart(this.sql.charAt(at - 1)))) {
            marker(at, "'?' right after '" + this.sql.charAt(at - 1) + "' would run into the parameter marker "
                    + "Relata writes there ($1); put a space before '?'");
        }
        finishPending(-1);
        if (this.inAt >= 0) {
            this.placeholders.add(new Placeholder(at, this.inAt, at + 1, this.inNegated));
            significant(false);
        }
        else if (this.inParenAt >= 0) {
            Placeholder candidate = new Placeholder(at, this.inParenAt, -1, this.inNegated);
            significant(false);
            this.pending = candidate;
        }
        else {
            this.placeholders.add(new Placeholder(at, -1, -1, false));
            significant(false);
        }
        this.i++;
    }

    /** A placeholder after {@code IN (} is a list's only when {@code )} follows it. */
    private void finishPending(int closingParenthesis) {
        Placeholder p = this.pending;
        if (p != null) {
            this.placeholders.add(closingParenthesis >= 0
                    ? new Placeholder(p.offset(), p.listStart(), closingParenthesis + 1, p.negated())
                    : new Placeholder(p.offset(), -1, -1, false));
            this.pending = null;
        }
    }

    private void word() {
        int start = this.i;
        int j = start + 1;
        while (j < this.length && identifierPart(this.sql.charAt(j))) {
            j++;
        }
        String word = this.sql.substring(start, j);
        if (j - start == 1 && (word.equals("E") || word.equals("e")) && at(j) == '\''
                && has(Feature.ESCAPE_STRINGS)) {
            literal(start, j + 1, '\'', true);
            return;
        }
        this.i = j;
        String upper = word.toUpperCase(Locale.ROOT);
        int not = this.notAt;
        significant(false);
        if (upper.equals("NOT")) {
            this.notAt = start;
        }
        else if (upper.equals("IN")) {
            this.inAt = not >= 0 ? not : start;
            this.inNegated = not >= 0;
        }
    }

    private void number() {
        int j = this.i + 1;
        while (j < this.length && (identifierPart(this.sql.charAt(j)) && this.sql.charAt(j) != '$'
                || this.sql.charAt(j) == '.')) {
            j++;
        }
        significant(false);
        this.i = j;
    }

    /** A token that is not a comment or white space: the {@code IN} context ends. */
    private void significant(boolean closingParenthesis) {
        if (!closingParenthesis) {
            finishPending(-1);
        }
        this.notAt = -1;
        this.inAt = -1;
        this.inParenAt = -1;
    }

    private boolean has(Feature feature) {
        return this.syntax.has(feature);
    }

    private char at(int index) {
        return index < this.length ? this.sql.charAt(index) : 0;
    }

    private boolean spaceOrControl(int index) {
        return index >= this.length || this.sql.charAt(index) <= ' ';
    }

    private static boolean identifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || c >= '0' && c <= '9' || c == '$';
    }

    private void scope(int offset, String message) {
        if (this.scopeProblem == null) {
            this.scopeProblem = new Problem(offset, message);
        }
    }

    private void marker(int offset, String message) {
        if (this.markerProblem == null) {
            this.markerProblem = new Problem(offset, message);
        }
    }
}
