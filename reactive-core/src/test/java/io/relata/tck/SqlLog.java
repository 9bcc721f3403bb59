package io.relata.tck;

import io.relata.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends the statements of a documented step to the file named by {@code -Drelata.sqlLog}, when set: the SQL in
 * docs/associations.md is taken from there (captured on PostgreSQL), not written by hand.
 */
final class SqlLog {

    private SqlLog() {
    }

    static synchronized void append(TestDatabase database, String suite, String title, List<String> statements) {
        String log = System.getProperty("relata.sqlLog");
        if (log == null) {
            return;
        }
        StringBuilder out = new StringBuilder("### ").append(database).append(' ').append(suite).append(": ")
                .append(title).append('\n');
        for (String s : statements) {
            out.append(s).append(";\n");
        }
        try {
            Files.writeString(Path.of(log), out.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
