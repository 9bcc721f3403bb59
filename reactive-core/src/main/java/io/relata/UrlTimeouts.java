package io.relata;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relata's timeouts carried as query parameters of an R2DBC URL ({@link Relata#connect(String)}), taken out of the
 * URL before a driver sees it: {@code statementTimeout} and {@code connectTimeout} are also well-known R2DBC
 * options, which each driver would otherwise apply its own way (or not at all: r2dbc-h2 1.1.0 ignores both).
 *
 * @param url the URL without Relata's parameters
 * @param statement the statement timeout, when given
 * @param connect the connect timeout, when given
 * @param acquire the acquire timeout, when given
 */
record UrlTimeouts(String url, Optional<Duration> statement, Optional<Duration> connect, Optional<Duration> acquire) {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    /**
     * Splits Relata's parameters off a URL.
     *
     * @throws IllegalArgumentException when one is given twice or is not a valid timeout
     */
    static UrlTimeouts parse(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return new UrlTimeouts(url, Optional.empty(), Optional.empty(), Optional.empty());
        }
        List<String> kept = new ArrayList<>();
        Duration statement = null;
        Duration connect = null;
        Duration acquire = null;
        for (String parameter : url.substring(query + 1).split("&", -1)) {
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            switch (name) {
                case "statementTimeout" -> statement = once(name, statement, value);
                case "connectTimeout" -> connect = once(name, connect, value);
                case "acquireTimeout" -> acquire = once(name, acquire, value);
                default -> kept.add(parameter);
            }
        }
        String rest = url.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new UrlTimeouts(rest, Optional.ofNullable(statement), Optional.ofNullable(connect),
                Optional.ofNullable(acquire));
    }

    private static Duration once(String name, Duration previous, String value) {
        if (previous != null) {
            throw new IllegalArgumentException("The URL gives " + name + " twice");
        }
        return check(name, duration(name, value));
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, ISO-8601 ({@code PT5S}) or {@code 0}. */
    private static Duration duration(String name, String value) {
        Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Duration.parse(value);
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The URL's " + name + " must be a duration such as 500ms, 5s, 2m, 1h, "
                    + "PT5S, or 0 for none: '" + value + "'", e);
        }
    }

    /**
     * Checks a timeout: zero (none) or a positive whole number of milliseconds of at most {@link Integer#MAX_VALUE}
     * (24.8 days), the range every database's own setting takes; anything else is rejected rather than rounded.
     *
     * @return the timeout
     * @throws IllegalArgumentException naming the setting when it is out of range
     */
    static Duration check(String name, Duration timeout) {
        Objects.requireNonNull(timeout, name + " must not be null");
        if (timeout.isNegative() || timeout.getNano() % 1_000_000 != 0
                || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(name + " must be zero (none) or a whole number of milliseconds up to "
                    + Integer.MAX_VALUE + " ms: " + timeout);
        }
        return timeout;
    }
}
