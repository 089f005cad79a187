package io.datahubfcsync.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The per-shard delivery metrics ({@link MetricNames.DeliveryShard}), registered under the
 * key/value group {@code shard=<id>} of the delivery operator, so the Flink UI lists them as
 * {@code <operator>.shard.<id>.<metric>}; the group is closed once the shard is done with.
 */
public final class ShardDeliveryMetrics {
    /** Values of the {@code state} gauge. */
    public static final int STATE_RUNNING = 0;

    public static final int STATE_RETRYING = 1;
    public static final int STATE_EXHAUSTED = 2;
    /** Exhausted under {@code on-exhausted=suspend}: the shard holds its batch and waits for a probe or a resume. */
    public static final int STATE_SUSPENDED = 3;

    /**
     * Calls kept for the latency histogram's percentiles, as many as Flink keeps for its own latency
     * histograms: the window is allocated whole for every shard, so with a thousand shards a larger
     * one would cost several MiB of heap.
     */
    private static final int LATENCY_WINDOW = 128;

    /**
     * The live values of one shard that the gauges show, read by the metric reporter's thread
     * (implementations use volatile fields).
     */
    public interface LiveValues {
        long deliveredSequence();

        int pendingRecords();

        int consecutiveFailures();

        /** {@link #STATE_RUNNING}, {@link #STATE_RETRYING}, {@link #STATE_EXHAUSTED} or {@link #STATE_SUSPENDED}. */
        int state();

        /** Pause before the next attempt, longer than {@code retry.interval} when FC throttles; 0 when not retrying. */
        long retryDelayMs();
    }

    private final ShardMetricGroup group;
    private final Counter invocations;
    private final Counter failedAttempts;
    private final Counter deadLettered;
    private final Counter letGo;
    private final Counter credentialFailures;
    private final Counter reRead;
    private final Histogram invokeLatencyMs;

    public ShardDeliveryMetrics(MetricGroup operatorGroup, String shardId, LiveValues status) {
        this.group = ShardMetricGroup.open(operatorGroup, shardId);
        MetricGroup g = group.group();
        g.gauge(MetricNames.DeliveryShard.DELIVERED_SEQUENCE, (Gauge<Long>) status::deliveredSequence);
        g.gauge(MetricNames.DeliveryShard.PENDING_RECORDS, (Gauge<Integer>) status::pendingRecords);
        g.gauge(MetricNames.DeliveryShard.CONSECUTIVE_FAILURES, (Gauge<Integer>) status::consecutiveFailures);
        g.gauge(MetricNames.DeliveryShard.STATE, (Gauge<Integer>) status::state);
        g.gauge(MetricNames.DeliveryShard.RETRY_DELAY_MS, (Gauge<Long>) status::retryDelayMs);
        invocations = g.counter(MetricNames.DeliveryShard.INVOCATIONS);
        failedAttempts = g.counter(MetricNames.DeliveryShard.FAILED_ATTEMPTS);
        deadLettered = g.counter(MetricNames.DeliveryShard.DEAD_LETTERED_RECORDS);
        letGo = g.counter(MetricNames.DeliveryShard.RECORDS_LET_GO);
        credentialFailures = g.counter(MetricNames.DeliveryShard.CREDENTIAL_FAILURES);
        reRead = g.counter(MetricNames.DeliveryShard.RECORDS_RE_READ);
        invokeLatencyMs = g.histogram(
                MetricNames.DeliveryShard.INVOKE_LATENCY_MS, new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
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

    /** The shard is done with: its metrics leave the reporters. */
    public void close() {
        group.close();
    }

    public long invocationCount() {
        return invocations.getCount();
    }

    public long failedAttemptCount() {
        return failedAttempts.getCount();
    }
}
