package io.datahubfcsync.local.fc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The faults currently injected into an {@link FcEmulator}; safe to change while calls run. */
public final class FaultPlan {
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    /** Adds a fault after those already planned and returns it (to read {@link Fault#fired()} later). */
    public Fault add(Fault fault) {
        faults.add(fault);
        return fault;
    }

    public boolean remove(Fault fault) {
        return faults.remove(fault);
    }

    public void clear() {
        faults.clear();
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** What the planned faults do to one call: total added latency and the answering fault, if any. */
    Decision decide(InvocationTarget target) {
        long latency = 0;
        Fault answer = null;
        for (Fault f : faults) {
            if (f.kind() == Fault.Kind.LATENCY) {
                if (f.fire(target)) latency += f.latencyMillis();
            } else if (answer == null && f.fire(target)) {
                answer = f;
            }
        }
        return new Decision(latency, answer);
    }

    record Decision(long latencyMillis, Fault answer) {}
}
