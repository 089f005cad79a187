package io.datahubfcsync.source.reader;

import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.ShardMetricGroup;
import io.datahubfcsync.source.split.EmittedSplitProgress;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per-shard gauges of the reader ({@link MetricNames.SourceShard}, group {@code shard}=&lt;id&gt;):
 * {@code readSequence}, the sequence of the last emitted record, and {@code millisBehindLatest},
 * the shard's newest record time minus the last emitted record's time. A shard's gauges are
 * registered when its split is added and read whichever progress object holds the split now; its
 * group is closed when the split finishes, so a finished shard's metrics leave the reporters.
 * Used on the task thread only (splits are added and finished there).
 */
final class ShardReadMetrics {
    private final MetricGroup readerGroup;
    private final Map<String, Registered> byShard = new HashMap<>();

    ShardReadMetrics(MetricGroup readerGroup) {
        this.readerGroup = readerGroup;
    }

    void track(EmittedSplitProgress progress) {
        byShard.computeIfAbsent(progress.shardId(), this::register).progress = progress;
    }

    /** The shard's split finished: its gauges go. */
    void finished(String shardId) {
        Registered r = byShard.remove(shardId);
        if (r != null) r.group.close();
    }

    private Registered register(String shardId) {
        Registered r = new Registered(ShardMetricGroup.open(readerGroup, shardId));
        MetricGroup g = r.group.group();
        g.gauge(MetricNames.SourceShard.READ_SEQUENCE, () -> r.progress == null ? -1L : r.progress.lastSequence());
        g.gauge(
                MetricNames.SourceShard.MILLIS_BEHIND_LATEST,
                () -> r.progress == null ? -1L : r.progress.millisBehindLatest());
        return r;
    }

    private static final class Registered {
        final ShardMetricGroup group;
        /** Read by the metric reporter's thread. */
        volatile EmittedSplitProgress progress;

        Registered(ShardMetricGroup group) {
            this.group = group;
        }
    }
}
