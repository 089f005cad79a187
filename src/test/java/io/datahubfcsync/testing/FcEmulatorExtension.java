package io.datahubfcsync.testing;

import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.local.fc.FaultPlan;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationLog;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The FC emulator with one FC 2.0 function deployed, for {@code @RegisterExtension}. In a static
 * field it runs for the whole class and every test starts with no faults and an empty invocation
 * log; in an instance field each test gets an emulator of its own.
 */
public final class FcEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final String service;
    private final String function;
    private final StreamRequestHandler handler;
    private int invocationLogCapacity = -1;
    private FcEmulator emulator;
    private boolean perTest;

    private FcEmulatorExtension(String service, String function, StreamRequestHandler handler) {
        this.service = service;
        this.function = function;
        this.handler = handler;
    }

    public static FcEmulatorExtension withFunction(String service, String function, StreamRequestHandler handler) {
        return new FcEmulatorExtension(service, function, handler);
    }

    /** Keeps the last {@code records} invocations instead of the emulator's default number. */
    public FcEmulatorExtension invocationLogCapacity(int records) {
        this.invocationLogCapacity = records;
        return this;
    }

    public FcEmulator emulator() {
        if (emulator == null) throw new IllegalStateException("the FC emulator runs only while a test does");
        return emulator;
    }

    public FaultPlan faults() {
        return emulator().faults();
    }

    public InvocationLog invocations() {
        return emulator().invocations();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emulator == null) {
            perTest = true;
            emulator = start();
            return;
        }
        emulator.faults().clear();
        emulator.invocations().clear();
        emulator.invocations().resetMaxInFlight();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private FcEmulator start() {
        FcEmulator.Builder b = FcEmulator.builder();
        if (invocationLogCapacity > 0) b.invocationLogCapacity(invocationLogCapacity);
        FcEmulator fc = b.start();
        fc.createService(service);
        fc.deployFunction(service, function, handler);
        return fc;
    }

    private void close() {
        if (emulator != null) emulator.close();
        emulator = null;
    }
}
