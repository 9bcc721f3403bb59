package io.relata.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.Relata;
import io.relata.testing.Fresh;
import io.relata.testing.TestDatabase;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What every database's binding of the conformance suites shares. A binding ({@code H2IntegrationTests} and its
 * siblings) extends this class, names its database with {@link On}, and declares each suite as an empty
 * {@code @Nested} subclass: a suite nested in it runs on that database ({@link DatabaseTestSupport#database()}).
 * The suites are declared in each binding rather than inherited from here so that they keep their names per
 * database ({@code H2IntegrationTests$Timeouts}), which reports show and {@code -Dit.test} selects.
 */
abstract class ConformanceSuites {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The database a binding runs its suites on, and the name its dialect must be detected as. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface On {

        /** @return the database every nested suite runs on */
        TestDatabase database();

        /** @return the name {@link Relata#dialect()} must report for it */
        String dialect();
    }

    /**
     * @param suite a suite class, nested in a binding
     * @return the database of the binding that {@code suite} is nested in
     * @throws IllegalStateException when no enclosing class is annotated with {@link On}
     */
    static TestDatabase databaseOf(Class<?> suite) {
        return on(suite).database();
    }

    private static On on(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            On on = c.getAnnotation(On.class);
            if (on != null) {
                return on;
            }
        }
        throw new IllegalStateException(type.getName() + " is not nested in a class annotated @"
                + ConformanceSuites.class.getSimpleName() + ".On: override database()");
    }

    @Test
    void theDialectIsDetectedThroughThePool() {
        On on = on(getClass());
        try (Fresh fresh = on.database().fresh()) {
            Relata db = Relata.connect(fresh.r2dbcUrl());
            try {
                assertThat(db.dialect().name()).isEqualTo(on.dialect());
                assertThat(db.exec("CREATE TABLE probes (id INTEGER)").block(TIMEOUT)).isNotNull();
                assertThat(fresh.jdbc().tables()).contains("probes");
            }
            finally {
                db.close().block(TIMEOUT);
            }
        }
    }
}
