package io.relata;

import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.Locale;

/**
 * Adjusts R2DBC URLs for streaming and speed (see {@link Relata#connect(String)}).
 */
final class Urls {

    private Urls() {
    }

    static String tune(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("r2dbc:postgresql:") || lower.startsWith("r2dbc:postgres:")) {
            return lower.contains("forcebinary=") ? url : url + (url.contains("?") ? "&" : "?") + "forceBinary=true";
        }
        if (lower.startsWith("r2dbc:h2:mem:")) {
            String tuned = url;
            tuned = addH2Option(tuned, "DB_CLOSE_DELAY", "-1");
            tuned = addH2Option(tuned, "LAZY_QUERY_EXECUTION", "TRUE");
            return tuned;
        }
        return url;
    }

    /** host:port/database of a URL, without credentials, to name a server in logs and errors. */
    static String address(String url) {
        ConnectionFactoryOptions o = ConnectionFactoryOptions.parse(url);
        Object host = o.getValue(ConnectionFactoryOptions.HOST);
        Object port = o.getValue(ConnectionFactoryOptions.PORT);
        Object database = o.getValue(ConnectionFactoryOptions.DATABASE);
        return (host == null ? "" : host + (port == null ? "" : ":" + port)) + "/" + (database == null ? "" : database);
    }

    private static String addH2Option(String url, String key, String value) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains(key.toLowerCase(Locale.ROOT) + "=")) {
            return url;
        }
        int options = lower.indexOf("options=");
        if (options >= 0) {
            int at = options + "options=".length();
            return url.substring(0, at) + key + "=" + value + ";" + url.substring(at);
        }
        return url + (url.contains("?") ? "&" : "?") + "options=" + key + "=" + value;
    }
}
