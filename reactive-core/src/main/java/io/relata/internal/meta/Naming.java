package io.relata.internal.meta;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GORM's default naming strategy: snake_case columns, snake_case plural tables. The plural rules follow
 * jinzhu/inflection (the library GORM uses): irregular words, uncountable words, then suffix rules, applied to
 * the last word only ({@code item_child} becomes {@code item_children}).
 */
public final class Naming {

    private static final Map<String, String> IRREGULAR = Map.of(
            "person", "people", "man", "men", "child", "children", "sex", "sexes", "move", "moves", "mouse", "mice",
            "woman", "women", "tooth", "teeth", "foot", "feet", "goose", "geese");

    private static final Set<String> UNCOUNTABLE = Set.of(
            "equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police",
            "news", "data", "metadata");

    // Order matters: the first matching rule wins, as in jinzhu/inflection (which tries its rules last-added first).
    private static final List<Rule> PLURAL = List.of(
            new Rule("(quiz)$", "$1zes"),
            new Rule("^(oxen)$", "$1"),
            new Rule("^(ox)$", "$1en"),
            new Rule("(matr|vert|ind)(?:ix|ex)$", "$1ices"),
            new Rule("(x|ch|ss|sh)$", "$1es"),
            new Rule("([^aeiouy]|qu)y$", "$1ies"),
            new Rule("(hive)$", "$1s"),
            new Rule("(?:([^f])fe|([lr])f)$", "$1$2ves"),
            new Rule("sis$", "ses"),
            new Rule("([ti])a$", "$1a"),
            new Rule("([ti])um$", "$1a"),
            new Rule("(buffal|tomat)o$", "$1oes"),
            new Rule("(bu)s$", "$1ses"),
            new Rule("(alias|status|campus)$", "$1es"),
            new Rule("(octop|vir)(?:us|i)$", "$1i"),
            new Rule("(ax|test)is$", "$1es"),
            new Rule("s$", "s"),
            new Rule("$", "s"));

    private Naming() {
    }

    /**
     * The snake_case of a Java name, keeping initialisms together: {@code userId} gives {@code user_id},
     * {@code HTTPURL} {@code httpurl}, {@code SHA256Hash} {@code sha256_hash}, {@code CreditCard}
     * {@code credit_card}.
     *
     * @param name a Java identifier
     * @return its snake_case form
     */
    public static String snake(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean previousLowerOrDigit = i > 0
                        && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(name.charAt(i - 1)) && i + 1 < name.length()
                        && Character.isLowerCase(name.charAt(i + 1));
                if ((previousLowerOrDigit || acronymEnd) && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The English plural of the last word of a snake_case name.
     *
     * @param snake a snake_case name
     * @return the name with its last word in the plural
     */
    public static String plural(String snake) {
        int cut = snake.lastIndexOf('_') + 1;
        String head = snake.substring(0, cut);
        String word = snake.substring(cut);
        String lower = word.toLowerCase(Locale.ROOT);
        if (UNCOUNTABLE.contains(lower)) {
            return snake;
        }
        String irregular = IRREGULAR.get(lower);
        if (irregular != null) {
            return head + irregular;
        }
        if (IRREGULAR.containsValue(lower)) {
            return snake;
        }
        for (Rule rule : PLURAL) {
            Matcher m = rule.pattern.matcher(word);
            if (m.find()) {
                return head + m.replaceFirst(rule.replacement);
            }
        }
        return snake + "s";
    }

    /**
     * The English singular of a word, for the few plural shapes a field name takes ({@code friends},
     * {@code categories}, {@code addresses}, {@code children}): GORM's {@code inflection.Singular}, reduced to the
     * inverse of the rules {@link #plural(String)} applies.
     *
     * @param word a plural word
     * @return its singular, or the word itself when it does not look plural
     */
    public static String singular(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : IRREGULAR.entrySet()) {
            if (lower.endsWith(e.getValue())) {
                return word.substring(0, word.length() - e.getValue().length())
                        + matchCase(word.charAt(word.length() - e.getValue().length()), e.getKey());
            }
        }
        if (UNCOUNTABLE.contains(lower)) {
            return word;
        }
        if (lower.endsWith("ies") && word.length() > 3) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (lower.endsWith("sses") || lower.endsWith("shes") || lower.endsWith("ches") || lower.endsWith("xes")) {
            return word.substring(0, word.length() - 2);
        }
        if (lower.endsWith("s") && !lower.endsWith("ss") && word.length() > 1) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    private static String matchCase(char first, String word) {
        return Character.isUpperCase(first) ? capitalize(word) : word;
    }

    /**
     * The default table name of a class: the plural of its snake_case simple name.
     *
     * @param type the entity class
     * @return the table name, such as {@code credit_cards}
     */
    public static String table(Class<?> type) {
        return plural(snake(type.getSimpleName()));
    }

    /**
     * A Java name with its first letter in upper case, as GORM builds key names ({@code user} + {@code Id}).
     *
     * @param name a Java name
     * @return the capitalised name
     */
    public static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private record Rule(Pattern pattern, String replacement) {
        Rule(String regex, String replacement) {
            this(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), replacement);
        }
    }

    /**
     * A Java name with its first letter in lower case ({@code UserId} becomes {@code userId}).
     *
     * @param name a Java name
     * @return the decapitalised name
     */
    public static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
