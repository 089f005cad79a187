package io.datahubfcsync.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

/**
 * The per-shard delivery metrics, registered under the key/value group
 * {@code shard=<id>} of the delivery operator, so the Flink UI lists them as
 * {@code <operator>.shard.<id>.<metric>}.
 */
public final class ShardDeliveryMetrics {
    public static final String SHARD_GROUP = "shard";
    /** Values of the {@code state} gauge. */
    public static final int STATE_RUNNING = 0;
    public static final int STATE_RETRYING = 1;
    public static final int STATE_EXHAUSTED = 2;
    /** Exhausted under {@code on-exhausted=suspend}: the shard holds its batch and waits for a probe or a resume. */
    public static final int STATE_SUSPENDED = 3;

    /** Samples kept for the latency histogram's percentiles. */
    private static final int LATENCY_WINDOW = 500;

    /** Live values of one shard, read by the metric reporter thread (implementations use volatile fields). */
    public interface ShardStatus {
        long deliveredSequence();

        int pendingRecords();

        int consecutiveFailures();

        /** {@link #STATE_RUNNING}, {@link #STATE_RETRYING}, {@link #STATE_EXHAUSTED} or {@link #STATE_SUSPENDED}. */
        int state();

        /** Pause before the next attempt, longer than {@code retry.interval} when FC throttles; 0 when not retrying. */
        long retryDelayMs();
    }

    private final MetricGroup group;
    private final Counter invocations;
    private final Counter failedAttempts;
    private final Counter deadLettered;
    private final Counter letGo;
    private final Counter credentialFailures;
    private final Counter reRead;
    private final Histogram invokeLatencyMs;

    public ShardDeliveryMetrics(MetricGroup operatorGroup, String shardId, ShardStatus status) {
        MetricGroup g = operatorGroup.addGroup(SHARD_GROUP, shardId);
        this.group = g;
        g.gauge("deliveredSequence", (Gauge<Long>) status::deliveredSequence);
        g.gauge("pendingRecords", (Gauge<Integer>) status::pendingRecords);
        g.gauge("consecutiveFailures", (Gauge<Integer>) status::consecutiveFailures);
        g.gauge("state", (Gauge<Integer>) status::state);
        g.gauge("retryDelayMs", (Gauge<Long>) status::retryDelayMs);
        invocations = g.counter("invocations");
        failedAttempts = g.counter("failedAttempts");
        deadLettered = g.counter("deadLetteredRecords");
        letGo = g.counter("recordsLetGo");
        credentialFailures = g.counter("credentialFailures");
        reRead = g.counter("recordsReRead");
        invokeLatencyMs = g.histogram("invokeLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    /** One invocation answered (successfully or not) after {@code latencyNanos}. */
    public void invoked(long latencyNanos) {
        invocations.inc();
        invokeLatencyMs.update(latencyNanos / 1_000_000);
    }

    public void failedAttempt() {
        failedAttempts.inc();
    }

    public void deadLettered(int records) {
        deadLettered.inc(records);
    }

    /** FC refused the credentials for a call of this shard (not a failed attempt of the batch). */
    public void credentialFailure() {
        credentialFailures.inc();
    }

    public long credentialFailureCount() {
        return credentialFailures.getCount();
    }

    /** A record the shard did not keep (over its budget); it is read back from DataHub later. */
    public void letGo() {
        letGo.inc();
    }

    /** Records read back from DataHub after they were let go. */
    public void reRead(int records) {
        reRead.inc(records);
    }

    /** The shard is done with: its metrics leave the reporters and the UI. */
    public void close() {
        if (group instanceof AbstractMetricGroup<?> g) g.close();
    }

    public long invocationCount() {
        return invocations.getCount();
    }

    public long failedAttemptCount() {
        return failedAttempts.getCount();
    }
}
