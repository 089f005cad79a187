package io.datahubfcsync.source.reader;

import io.datahubfcsync.source.split.EmittedSplitProgress;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per-shard gauges of the reader (group {@code shard}=&lt;id&gt;): {@code readSequence}, the sequence
 * of the last emitted record, and {@code millisBehindLatest}, the shard's newest record time minus
 * the last emitted record's time. Flink metric groups cannot be removed, so each shard's gauges are
 * registered once and follow whichever state object currently holds the shard.
 */
final class ShardMetrics {
    private final MetricGroup readerGroup;
    private final Map<String, Holder> byShard = new HashMap<>();

    ShardMetrics(MetricGroup readerGroup) {
        this.readerGroup = readerGroup;
    }

    void track(EmittedSplitProgress state) {
        byShard.computeIfAbsent(state.shardId(), this::register).state = state;
    }

    private Holder register(String shardId) {
        Holder h = new Holder();
        MetricGroup g = readerGroup.addGroup("shard", shardId);
        g.gauge("readSequence", () -> h.state == null ? -1L : h.state.lastSequence());
        g.gauge("millisBehindLatest", () -> h.state == null ? -1L : h.state.millisBehindLatest());
        return h;
    }

    private static final class Holder {
        volatile EmittedSplitProgress state;
    }
}
