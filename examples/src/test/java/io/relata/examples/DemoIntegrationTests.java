package io.relata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's demo, so CI proves the first command a newcomer types still works.
 */
class DemoIntegrationTests {

    @Test
    void demoRunsEndToEndOnEmbeddedH2() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Demo.main(new String[0]);
        }
        finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        original.print(printed);
        assertThat(printed)
                .contains("SQL> CREATE TABLE IF NOT EXISTS \"USERS\"")
                .contains("card owner 1")
                .contains("User{ann, card=5500-0000, company=Company{acme}}")
                .contains("users named like an injection: 0")
                .contains("jinzhu's card is now 3700-0000")
                .contains("users now: 3, with soft-deleted: 4")
                .endsWith("Done." + System.lineSeparator());
    }
}
