package io.relata.dialect;

import org.jspecify.annotations.Nullable;

/**
 * A {@link java.util.ServiceLoader} hook that supplies dialects for databases Relata does not know.
 */
public interface DialectProvider {

    /**
     * Returns the dialect of a database, or {@code null} when this provider does not know it.
     *
     * @param databaseName the name from {@code ConnectionFactoryMetadata.getName()}
     * @return the dialect, or {@code null}
     */
    @Nullable
    Dialect forDatabase(String databaseName);
}
