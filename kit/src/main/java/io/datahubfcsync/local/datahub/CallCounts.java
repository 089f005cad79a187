package io.datahubfcsync.local.datahub;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** How many requests of each kind reached the emulator (including rejected and faulted ones). */
public final class CallCounts {
    private final AtomicLongArray counts = new AtomicLongArray(DataHubAction.values().length);

    CallCounts() {}

    void increment(DataHubAction action) {
        counts.incrementAndGet(action.ordinal());
    }

    public long of(DataHubAction action) {
        return counts.get(action.ordinal());
    }

    public long total() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) n += counts.get(i);
        return n;
    }

    /** Non-zero counts, for failure messages. */
    public Map<DataHubAction, Long> snapshot() {
        Map<DataHubAction, Long> m = new EnumMap<>(DataHubAction.class);
        for (DataHubAction a : DataHubAction.values()) {
            long n = of(a);
            if (n > 0) m.put(a, n);
        }
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
