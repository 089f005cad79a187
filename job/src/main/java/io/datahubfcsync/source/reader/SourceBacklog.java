package io.datahubfcsync.source.reader;

import io.datahubfcsync.metrics.MetricNames;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * The standard source metrics an autoscaler reads (FLIP-33), kept by the split reader and shown in
 * the reader's metric group: {@code pendingRecords}, the records DataHub holds after the last one
 * read, summed over the reader's shards (as of each shard's last read), and
 * {@code currentFetchEventTimeLag}, how old (by DataHub system time) the last record read was when it
 * was read. ({@code currentEmitEventTimeLag} Flink computes itself from the records' timestamps.)
 * Updated from the fetcher thread, read from the metric reporter's.
 */
public final class SourceBacklog {
    private final Map<String, Long> pendingByShard = new ConcurrentHashMap<>();
    private volatile long fetchEventTimeLagMs = -1;

    /** Registers the gauges; the split readers of this reader update it. */
    public static SourceBacklog register(SourceReaderMetricGroup group) {
        SourceBacklog b = new SourceBacklog();
        group.setPendingRecordsGauge(b::pendingRecords);
        group.gauge(MetricNames.SourceReader.CURRENT_FETCH_EVENT_TIME_LAG, () -> b.fetchEventTimeLagMs);
        return b;
    }

    long pendingRecords() {
        long sum = 0;
        for (long n : pendingByShard.values()) sum += n;
        return sum;
    }

    /** After a read of the shard: its newest sequence as DataHub reported it, and the last one read. */
    void shardRead(String shardId, long latestSequence, long lastReadSequence) {
        if (latestSequence >= 0) pendingByShard.put(shardId, Math.max(0, latestSequence - lastReadSequence));
    }

    void recordFetched(long systemTimeMs, long fetchedAtMs) {
        fetchEventTimeLagMs = Math.max(0, fetchedAtMs - systemTimeMs);
    }

    void shardGone(String shardId) {
        pendingByShard.remove(shardId);
    }
}
