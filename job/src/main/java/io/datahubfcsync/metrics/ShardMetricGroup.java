package io.datahubfcsync.metrics;

import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

/**
 * One shard's metric group ({@link MetricNames#SHARD_GROUP}={@code <id>}) under an operator's group,
 * closed when the shard is done with so that its metrics leave the reporters (Prometheus), the
 * web UI and the REST API instead of showing a finished shard's last values for the life of the job.
 *
 * <p>Flink 2.3's public {@link MetricGroup} cannot remove a group or a metric. The groups the
 * runtime hands to operators are {@link AbstractMetricGroup}s (an internal class), whose
 * {@code close()} unregisters every metric of the group from every reporter; Flink's own Kinesis
 * source drops a finished shard's metrics the same way. This class is the only place the job
 * reaches that internal class, so a future public API replaces one line. A group of any other kind
 * (an unregistered group in a unit test) registers nothing anywhere and has nothing to remove. A
 * shard that is added again after its group was closed gets a fresh group: Flink replaces a closed
 * child group of the same name.
 */
public final class ShardMetricGroup {
    private final MetricGroup group;

    private ShardMetricGroup(MetricGroup group) {
        this.group = group;
    }

    /** Adds (or finds) the group of {@code shardId} under {@code operatorGroup}. */
    public static ShardMetricGroup open(MetricGroup operatorGroup, String shardId) {
        return new ShardMetricGroup(operatorGroup.addGroup(MetricNames.SHARD_GROUP, shardId));
    }

    /** Where the shard's metrics are registered. */
    public MetricGroup group() {
        return group;
    }

    /** The shard is done with: its metrics leave the reporters. Registering more on the group does nothing. */
    public void close() {
        if (group instanceof AbstractMetricGroup<?> g) g.close();
    }
}
