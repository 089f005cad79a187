package io.datahubfcsync.testing;

import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.local.fc.FaultPlan;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationLog;

/**
 * The FC emulator with one FC 2.0 function deployed, for {@code @RegisterExtension}. In a static
 * field it runs for the whole class and every test starts with no faults and an empty invocation
 * log; in an instance field each test gets an emulator of its own.
 */
public final class FcEmulatorExtension extends ClassOrTestScope {
    private final String service;
    private final String function;
    private final StreamRequestHandler handler;
    private int invocationLogCapacity = -1;
    private FcEmulator emulator;

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
    void start() {
        FcEmulator.Builder b = FcEmulator.builder();
        if (invocationLogCapacity > 0) b.invocationLogCapacity(invocationLogCapacity);
        emulator = b.start();
        emulator.createService(service);
        emulator.deployFunction(service, function, handler);
    }

    @Override
    void reset() {
        emulator.faults().clear();
        emulator.invocations().clear();
        emulator.invocations().resetMaxInFlight();
    }

    @Override
    void stop() {
        if (emulator != null) emulator.close();
        emulator = null;
    }
}
