package io.datahubfcsync.cluster.testjob;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts values per key ({@code value % KEYS}) in keyed state. The source emits 0, 1, 2, ... exactly once per
 * checkpointed position, so value {@code v} must be the {@code v / KEYS + 1}-th of its key whenever source position and
 * keyed state were restored together; any replay without state rollback, or state lost, breaks that.
 *
 * <p>Metric group {@code harness}: {@code processed} (counter); {@code firstValue} and {@code firstCount} (the first
 * value this attempt saw and its key's count, -1 before any: 0 and 1 on a fresh start, later after a restore);
 * {@code lastValue}; {@code attempt} (the subtask's execution attempt, so a reader can tell fresh values from those a
 * failed attempt left in the REST metric store); {@code mismatches} (values whose count broke the rule above); {@code envProbeLength} (length of
 * the env var HARNESS_ENV_PROBE in this TaskManager, -1 if unset).
 */
public final class CountingFunction extends KeyedProcessFunction<Long, Long, Long> {

    private transient ValueState<Long> count;
    private transient Counter processed;
    private transient long firstValue;
    private transient long firstCount;
    private transient long lastValue;
    private transient long mismatches;

    @Override
    public void open(OpenContext context) {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        firstValue = -1;
        firstCount = -1;
        lastValue = -1;
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("harness");
        processed = group.counter("processed");
        group.gauge("firstValue", (Gauge<Long>) () -> firstValue);
        group.gauge("firstCount", (Gauge<Long>) () -> firstCount);
        group.gauge("lastValue", (Gauge<Long>) () -> lastValue);
        group.gauge("mismatches", (Gauge<Long>) () -> mismatches);
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        group.gauge("attempt", (Gauge<Integer>) () -> attempt);
        String probe = System.getenv("HARNESS_ENV_PROBE");
        int probeLength = probe == null ? -1 : probe.length();
        group.gauge("envProbeLength", (Gauge<Integer>) () -> probeLength);
    }

    @Override
    public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
        long updated = (count.value() == null ? 0 : count.value()) + 1;
        count.update(updated);
        if (updated != value / SequenceCountingJob.KEYS + 1) {
            mismatches++;
        }
        if (firstValue < 0) {
            firstValue = value;
            firstCount = updated;
        }
        lastValue = value;
        processed.inc();
        out.collect(updated);
    }
}
