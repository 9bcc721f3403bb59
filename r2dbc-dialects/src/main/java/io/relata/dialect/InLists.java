package io.relata.dialect;

import java.lang.reflect.Array;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The renderings of a list bound to {@code IN ?} that the dialects share: expanded, empty, or one array.
 */
final class InLists {

    /**
     * An empty set that every operand compares false against ({@code IN}) or true ({@code NOT IN}), {@code NULL}
     * included, as SQL defines {@code IN} over an empty subquery. {@code IN ()} itself is a syntax error on
     * PostgreSQL 15 and MariaDB 10.11; {@code IN (NULL)} is wrong for {@code NOT IN} (it matches nothing). Verified
     * on H2 2.4.240 and MariaDB 10.11 ({@code SELECT NULL NOT IN (SELECT NULL WHERE 1=0)} is true on both).
     */
    static final String EMPTY_SET = "(SELECT NULL WHERE 1=0)";

    private InLists() {
    }

    /**
     * {@code IN (?, ?, ...)}, or the empty set.
     *
     * @param dialect the dialect, named in the error
     * @param values the values
     * @param negated {@code NOT IN}
     * @param availableBinds the binds left in the statement
     * @return the condition
     * @throws IllegalArgumentException when the values do not fit in {@code availableBinds}
     */
    static KeySetCondition expanded(Dialect dialect, List<?> values, boolean negated, int availableBinds) {
        Objects.requireNonNull(values, "values must not be null");
        String in = negated ? "NOT IN " : "IN ";
        if (values.isEmpty()) {
            return new KeySetCondition(in + EMPTY_SET, List.of());
        }
        if (values.size() > availableBinds) {
            throw new IllegalArgumentException("A list of " + values.size() + " values in IN ? needs one bind each, and "
                    + "a " + dialect.name() + " statement has room for " + Math.max(0, availableBinds) + " more (at most "
                    + dialect.maxBindParameters() + " in all); split the list, or filter on a table of the values");
        }
        return new KeySetCondition(in + "(?" + ", ?".repeat(values.size() - 1) + ")", new java.util.ArrayList<>(values));
    }

    /**
     * {@code = ANY(?)} or {@code <> ALL(?)} with one array bind: SQL's meaning of {@code IN} and {@code NOT IN}
     * ({@code x NOT IN (a, b)} is {@code x <> a AND x <> b}, which is {@code x <> ALL(array[a, b])}, NULLs alike).
     *
     * @param array the typed array
     * @param negated {@code NOT IN}
     * @return the condition
     */
    static KeySetCondition array(Object array, boolean negated) {
        Object bind = array; // one bind: List.of(array) would spread the elements
        return new KeySetCondition(negated ? "<> ALL(?)" : "= ANY(?)", List.of(bind));
    }

    /**
     * The array of the values, typed by their common class, or {@code null} when they have none the driver can bind
     * as an array. Integral values of different widths share the widest ({@code Integer} and {@code Long} give
     * {@code Long[]}), which is exact.
     *
     * @param values the values
     * @param supported the component classes the driver binds
     * @param allowNulls whether the driver takes {@code null} elements
     * @return the array, or {@code null}
     */
    static @Nullable Object typedArray(List<?> values, Set<Class<?>> supported, boolean allowNulls) {
        Class<?> component = null;
        for (Object value : values) {
            if (value == null) {
                if (!allowNulls) {
                    return null;
                }
                continue;
            }
            Class<?> type = value.getClass();
            if (component == null || component == type) {
                component = type;
            }
            else if (integral(component) && integral(type)) {
                component = wider(component, type);
            }
            else {
                return null;
            }
        }
        if (component == null || !supported.contains(component)) {
            return null;
        }
        Object[] array = (Object[]) Array.newInstance(component, values.size());
        for (int i = 0; i < array.length; i++) {
            array[i] = widen(values.get(i), component);
        }
        return array;
    }

    private static boolean integral(Class<?> type) {
        return type == Long.class || type == Integer.class || type == Short.class || type == Byte.class;
    }

    private static Class<?> wider(Class<?> a, Class<?> b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Class<?> type) {
        return type == Long.class ? 3 : type == Integer.class ? 2 : type == Short.class ? 1 : 0;
    }

    private static @Nullable Object widen(@Nullable Object value, Class<?> component) {
        if (value == null || component.isInstance(value)) {
            return value;
        }
        long n = ((Number) value).longValue();
        if (component == Long.class) {
            return n;
        }
        if (component == Integer.class) {
            return (int) n; // exact: value is a Short or Byte here
        }
        return (short) n; // exact: value is a Byte here
    }
}
