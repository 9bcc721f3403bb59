package io.relata.internal.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's SQL fragment with {@code ?} placeholders and its arguments, checked when it is created so a wrong
 * argument count fails before any SQL is sent. A {@link Collection} argument expands to a parenthesised list,
 * as GORM expands a slice ({@code "name IN ?", List.of("a", "b")}).
 *
 * @param sql the fragment
 * @param args the arguments, one per placeholder
 */
public record Fragment(String sql, List<@Nullable Object> args) {

    /**
     * Creates a fragment and checks the placeholder count.
     *
     * @param sql the fragment
     * @param args the arguments
     * @throws IllegalArgumentException when the counts differ
     */
    public Fragment {
        Objects.requireNonNull(sql, "condition must not be null");
        args = Collections.unmodifiableList(new ArrayList<>(args));
        int placeholders = placeholders(sql);
        if (placeholders != args.size()) {
            throw new IllegalArgumentException("The condition '" + sql + "' has " + placeholders + " placeholder"
                    + (placeholders == 1 ? "" : "s") + " but " + args.size() + " argument" + (args.size() == 1 ? "" : "s")
                    + " were given");
        }
    }

    /**
     * Creates a fragment from varargs ({@code null} array means one {@code null} argument).
     *
     * @param sql the fragment
     * @param args the arguments
     * @return the fragment
     */
    public static Fragment of(String sql, @Nullable Object @Nullable... args) {
        List<@Nullable Object> list = args == null ? Collections.singletonList(null) : Arrays.asList(args);
        return new Fragment(sql, list);
    }

    /**
     * Counts the {@code ?} placeholders outside quoted strings and identifiers.
     *
     * @param sql the fragment
     * @return the count
     */
    public static int placeholders(String sql) {
        return split(sql).size() - 1;
    }

    /**
     * Splits SQL at its {@code ?} placeholders, ignoring question marks inside {@code '...'}, {@code "..."} and
     * {@code `...`}: n placeholders give n + 1 pieces of text.
     *
     * @param sql the SQL
     * @return the text before, between and after the placeholders
     */
    public static List<String> split(String sql) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            }
            else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            }
            else if (c == '?') {
                pieces.add(sql.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(sql.substring(start));
        return pieces;
    }
}
