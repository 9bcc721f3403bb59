package io.relata.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fresh database per test class, for tests whose application starts before the first test and outlives it (a
 * Spring test context, set up from {@code @DynamicPropertySource}): {@link #open(TestDatabase)} it there, and register
 * this extension before the framework's, so that its {@code afterAll} runs after the framework closed the application
 * and no pool outlives the database. Test classes run one at a time, so one database is open at a time.
 */
public final class FreshPerClass implements AfterAllCallback {

    private static Fresh current;

    /** Opens the class's fresh database (see {@link TestDatabase#fresh()}), closing the previous class's if open. */
    public static synchronized Fresh open(TestDatabase database) {
        closeCurrent();
        current = database.fresh();
        return current;
    }

    /** The class's database; an {@link IllegalStateException} before {@link #open(TestDatabase)}. */
    public static synchronized Fresh current() {
        if (current == null) {
            throw new IllegalStateException("no database is open: call FreshPerClass.open(...) first");
        }
        return current;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeCurrent();
    }

    private static synchronized void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
