package io.datahubfcsync.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle of the emulator extensions: registered in a static field, what they hold starts
 * before the class's first test and stops after its last; in an instance field, around each test.
 * JUnit calls the class callbacks only for static registrations.
 */
abstract class ClassOrTestScope implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private boolean perClass;

    /** Starts what the extension holds. */
    abstract void start();

    /** Stops it; runs after a failed start too. */
    abstract void stop();

    /** Before each test of a class-wide registration: clears what one test may leave for the next. */
    void reset() {}

    @Override
    public final void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public final void beforeEach(ExtensionContext context) {
        if (perClass) reset();
        else start();
    }

    @Override
    public final void afterEach(ExtensionContext context) {
        if (!perClass) stop();
    }
}
