package io.relata.dialect;

import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The built-in dialects and detection by database name.
 */
public final class Dialects {

    private Dialects() {
    }

    /**
     * The PostgreSQL dialect: {@code $1} markers, double-quoted identifiers, key sets bound as one array.
     *
     * @return the shared PostgreSQL dialect
     */
    public static Dialect postgres() {
        return PostgresDialect.INSTANCE;
    }

    /**
     * The H2 dialect: {@code $1} markers, double-quoted identifiers, key sets as chunked {@code IN} lists.
     *
     * @return the shared H2 dialect
     */
    public static Dialect h2() {
        return H2Dialect.INSTANCE;
    }

    /**
     * The MariaDB dialect: {@code ?} markers, backquoted identifiers, key sets as chunked {@code IN} lists,
     * timestamps stored as UTC {@code DATETIME(6)}.
     *
     * @return the shared MariaDB dialect
     */
    public static Dialect mariadb() {
        return MariaDbDialect.INSTANCE;
    }

    /**
     * Finds the dialect of a database by its {@code ConnectionFactoryMetadata} name. The built-in names
     * {@code PostgreSQL}, {@code H2} and {@code MariaDB} match ignoring case and win; other names are offered to
     * every {@link DialectProvider} registered with {@link ServiceLoader} (through the thread context class
     * loader), in the loader's order, and the first dialect returned wins.
     *
     * <p>{@code MySQL} is deliberately not built in: r2dbc-mariadb reports {@code MariaDB} whatever the server, so
     * that name comes from another driver whose binding Relata has not verified. A {@link DialectProvider} that
     * returns {@link #mariadb()} for it is the way to try.
     *
     * @param databaseName the name, such as {@code PostgreSQL}, {@code H2} or {@code MariaDB}
     * @return the dialect
     * @throws IllegalArgumentException naming the database when no dialect knows it
     * @throws NullPointerException when {@code databaseName} is {@code null}
     */
    public static Dialect detect(String databaseName) {
        Objects.requireNonNull(databaseName, "databaseName must not be null");
        switch (databaseName.toLowerCase(Locale.ROOT)) {
            case "postgresql" -> {
                return postgres();
            }
            case "h2" -> {
                return h2();
            }
            case "mariadb" -> {
                return mariadb();
            }
            default -> {
                // not built in: ask the providers
            }
        }
        for (DialectProvider provider : ServiceLoader.load(DialectProvider.class)) {
            Dialect dialect = provider.forDatabase(databaseName);
            if (dialect != null) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("No Relata dialect for database '" + databaseName
                + "': Relata supports PostgreSQL, H2 and MariaDB; register a io.relata.dialect.DialectProvider for others");
    }
}
