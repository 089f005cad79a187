package io.datahubfcsync.local.datahub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fault plan of a {@link DataHubEmulator}, changeable at any time from any thread. Faults are
 * checked after the signature, so a faulted call is always a well-formed, authorised one.
 *
 * <pre>{@code
 * emulator.faults().failNext(3, DataHubFault.LIMIT_EXCEEDED, DataHubAction.GET_RECORDS);
 * emulator.faults().latency(Duration.ofMillis(50));
 * emulator.faults().hideNewShardsAfterReshard(2);   // children answer NoSuchShard twice
 * }</pre>
 */
public final class DataHubFaults {
    private static final class Rule {
        final DataHubFault fault;
        final DataHubAction action; // null = any call
        int remaining;

        Rule(DataHubFault fault, DataHubAction action, int remaining) {
            this.fault = fault;
            this.action = action;
            this.remaining = remaining;
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Map<DataHubAction, Duration> latencyPerAction = new EnumMap<>(DataHubAction.class);
    private Duration latencyAll = Duration.ZERO;
    private int newShardHiddenCalls;
    private Duration newShardHiddenFor = Duration.ZERO;

    DataHubFaults() {}

    /** The next {@code count} calls of any kind fail with {@code fault}. */
    public DataHubFaults failNext(int count, DataHubFault fault) {
        return add(count, fault, null);
    }

    /** The next {@code count} calls of kind {@code action} fail with {@code fault}. */
    public DataHubFaults failNext(int count, DataHubFault fault, DataHubAction action) {
        return add(count, fault, Objects.requireNonNull(action, "action"));
    }

    private synchronized DataHubFaults add(int count, DataHubFault fault, DataHubAction action) {
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, was " + count);
        rules.add(new Rule(Objects.requireNonNull(fault, "fault"), action, count));
        return this;
    }

    /** Every call waits this long before it is answered (replaces the previous value). */
    public synchronized DataHubFaults latency(Duration perCall) {
        latencyAll = requireNonNegative(perCall);
        return this;
    }

    /** Calls of kind {@code action} wait this long (on top of {@link #latency(Duration)}). */
    public synchronized DataHubFaults latency(DataHubAction action, Duration perCall) {
        latencyPerAction.put(Objects.requireNonNull(action, "action"), requireNonNegative(perCall));
        return this;
    }

    /**
     * After each later split or merge, the new shards answer {@code NoSuchShard} to the first
     * {@code calls} requests addressed to them (getCursor, getRecords, putRecordsByShard), as
     * DataHub can right after resharding. 0 turns it off.
     */
    public synchronized DataHubFaults hideNewShardsAfterReshard(int calls) {
        if (calls < 0) throw new IllegalArgumentException("calls must be >= 0, was " + calls);
        newShardHiddenCalls = calls;
        return this;
    }

    /** Like {@link #hideNewShardsAfterReshard(int)}, but for a time after the reshard. */
    public synchronized DataHubFaults hideNewShardsAfterReshard(Duration duration) {
        newShardHiddenFor = requireNonNegative(duration);
        return this;
    }

    /** Failures still queued. */
    public synchronized int pendingFailures() {
        int n = 0;
        for (Rule r : rules) n += r.remaining;
        return n;
    }

    /** Removes every fault, latency and reshard delay. */
    public synchronized void clear() {
        rules.clear();
        latencyPerAction.clear();
        latencyAll = Duration.ZERO;
        newShardHiddenCalls = 0;
        newShardHiddenFor = Duration.ZERO;
    }

    /** The fault for this call, consuming it; null when the call goes through. */
    synchronized DataHubFault take(DataHubAction action) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.action == null || r.action == action) {
                if (--r.remaining == 0) it.remove();
                return r.fault;
            }
        }
        return null;
    }

    synchronized long latencyMillis(DataHubAction action) {
        return latencyAll
                .plus(latencyPerAction.getOrDefault(action, Duration.ZERO))
                .toMillis();
    }

    synchronized void onNewShard(EmulatedShard shard, long nowMillis) {
        shard.hiddenForCalls = newShardHiddenCalls;
        shard.hiddenUntilMillis = newShardHiddenFor.isZero() ? 0 : nowMillis + newShardHiddenFor.toMillis();
    }

    private static Duration requireNonNegative(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) throw new IllegalArgumentException("duration must not be negative: " + d);
        return d;
    }
}
