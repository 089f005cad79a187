package io.datahubfcsync.testing;

import io.datahubfcsync.local.datahub.DataHubEmulator;

/**
 * The DataHub emulator with one project, for {@code @RegisterExtension}: in a static field one
 * emulator for the whole class (tests then use topics of their own), in an instance field a fresh
 * one for each test.
 */
public final class DataHubEmulatorExtension extends ClassOrTestScope {
    private final String project;
    private DataHubEmulator emulator;

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
    void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(project);
    }

    @Override
    void stop() {
        if (emulator != null) emulator.close();
        emulator = null;
    }
}
