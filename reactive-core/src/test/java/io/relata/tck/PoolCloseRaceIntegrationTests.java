package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.testing.Fresh;
import io.relata.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Closing a {@link Relata} right after queries whose connections are still being returned must not corrupt the
 * pool's permit count (reactor-pool logs "Too many permits returned" to stderr when it does).
 */
class PoolCloseRaceIntegrationTests {

    public static class Thing {
        Long id;
        String name;
    }

    @Test
    void closeWaitsForConnectionsToComeBack() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 30; i++) {
                try (Fresh fresh = TestDatabase.H2.fresh()) {
                    Relata db = Relata.connect(fresh.r2dbcUrl());
                    db.migrate(Thing.class).block();
                    Thing t = new Thing();
                    t.name = "t" + i;
                    db.repository(Thing.class).save(t).block();
                    assertThat(db.repository(Thing.class).findById(t.id).block()).isNotNull();
                    assertThat(db.repository(Thing.class).findAll().first().block()).isNotNull();
                    assertThat(db.repository(Thing.class).findAll().flux().next().block()).isNotNull();
                    db.close().block();
                }
            }
        }
        finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Too many permits")
                .doesNotContain("unexpected decrement");
    }
}
