package io.datahubfcsync.testing;

import io.datahubfcsync.local.datahub.DataHubEmulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The DataHub emulator with one project, for {@code @RegisterExtension}: in a static field one
 * emulator for the whole class (tests then use topics of their own), in an instance field a fresh
 * one for each test.
 */
public final class DataHubEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final String project;
    private DataHubEmulator emulator;
    private boolean perClass;

    private DataHubEmulatorExtension(String project) {
        this.project = project;
    }

    public static DataHubEmulatorExtension withProject(String project) {
        return new DataHubEmulatorExtension(project);
    }

    public DataHubEmulator emulator() {
        if (emulator == null) throw new IllegalStateException("the DataHub emulator runs only while a test does");
        return emulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) stop();
    }

    private void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(project);
    }

    private void stop() {
        if (emulator != null) emulator.close();
        emulator = null;
    }
}
