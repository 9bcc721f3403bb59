package io.relata.dialect;

import org.jspecify.annotations.Nullable;

/**
 * A {@link DialectProvider} registered in the test resources: {@code AcmeDB} gets the H2 dialect, and it also
 * claims {@code H2} for MariaDB, which detection must ignore because built-in names win.
 */
public final class AcmeDialectProvider implements DialectProvider {

    /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
    public AcmeDialectProvider() {
    }

    @Override
    public @Nullable Dialect forDatabase(String databaseName) {
        if (databaseName.equals("AcmeDB")) {
            return Dialects.h2();
        }
        if (databaseName.equalsIgnoreCase("H2")) {
            return Dialects.mariadb();
        }
        return null;
    }
}
