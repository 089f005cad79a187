package io.datahubfcsync.source.reader;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.enumerator.ReaderSplitsEvent;
import io.datahubfcsync.source.enumerator.ShardsFinishedEvent;
import io.datahubfcsync.source.split.EmittedSplitProgress;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source reader of one subtask: one fetcher thread schedules the reads of all its shards (made
 * on a small pool of call threads, see {@link DataHubSplitReader}).
 *
 * <p>Finished shards are reported to the enumerator and <em>also kept in this reader's checkpoint</em>
 * (as finished splits) until a checkpoint taken after the finish completes. The enumerator's
 * checkpoint is taken before the readers', so a "finished" event still in flight at checkpoint
 * time would otherwise be lost on restore: the parent would be in no state at all and its children
 * would never be assigned. After a restore, finished splits are re-reported instead of read.
 */
public final class DataHubSourceReader
        extends SingleThreadMultiplexSourceReaderBase<ShardRecord, ShardRecord, ShardSplit, EmittedSplitProgress> {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubSourceReader.class);

    /**
     * Finished splits keyed by the id of the last snapshot taken before they finished: they are in
     * every later snapshot and can go once a checkpoint with a larger id has completed.
     */
    private final NavigableMap<Long, List<ShardSplit>> finishedAwaitingCheckpoint = new TreeMap<>();

    private final ShardReadMetrics shardMetrics;
    private long lastSnapshotId = Long.MIN_VALUE;

    public DataHubSourceReader(
            Supplier<SplitReader<ShardRecord, ShardSplit>> splitReaderSupplier,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier, new ShardRecordEmitter(), config, context);
        this.shardMetrics = new ShardReadMetrics(context.metricGroup());
        context.metricGroup().gauge(MetricNames.SourceReader.OPEN_SHARDS, this::getNumberOfCurrentlyAssignedSplits);
    }

    /** The usual way in: SDK-backed split readers built in this TaskManager. */
    public static DataHubSourceReader create(DataHubSourceConfig config, SourceReaderContext context) {
        ReaderCounters counters = ReaderCounters.register(context.metricGroup());
        SourceBacklog backlog = SourceBacklog.register(context.metricGroup());
        return new DataHubSourceReader(
                () -> new DataHubSplitReader(
                        config.clientFactory().create(), config, counters, backlog, System::currentTimeMillis),
                context.getConfiguration(),
                context);
    }

    /** Restored open shards, told to the enumerator at start (after the reader registered). */
    private final Set<String> restoredOpenShards = new java.util.TreeSet<>();

    private boolean started;

    @Override
    public void start() {
        super.start();
        started = true;
        if (!restoredOpenShards.isEmpty()) {
            context.sendSourceEventToCoordinator(new ReaderSplitsEvent(restoredOpenShards));
            restoredOpenShards.clear();
        }
    }

    @Override
    public void addSplits(List<ShardSplit> splits) {
        if (!started) {
            // before start: restored from a checkpoint, not assigned by the enumerator
            splits.stream().filter(s -> !s.isFinished()).forEach(s -> restoredOpenShards.add(s.shardId()));
        }
        List<ShardSplit> open = new ArrayList<>();
        List<ShardSplit> finished = new ArrayList<>();
        for (ShardSplit s : splits) {
            (s.isFinished() ? finished : open).add(s);
        }
        if (!finished.isEmpty()) {
            // restored from a checkpoint taken while these were finished but maybe not yet known
            // as finished by the enumerator: say it again, and keep them until the next checkpoint
            finishedAwaitingCheckpoint
                    .computeIfAbsent(lastSnapshotId, k -> new ArrayList<>())
                    .addAll(finished);
            reportFinished(finished);
        }
        if (!open.isEmpty()) {
            super.addSplits(open);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, EmittedSplitProgress> finishedSplits) {
        finishedSplits.keySet().forEach(shardMetrics::finished);
        List<ShardSplit> finished = finishedSplits.values().stream()
                .map(state -> state.toSplit().asFinished())
                .collect(Collectors.toList());
        finishedAwaitingCheckpoint
                .computeIfAbsent(lastSnapshotId, k -> new ArrayList<>())
                .addAll(finished);
        reportFinished(finished);
    }

    private void reportFinished(List<ShardSplit> finished) {
        Set<String> ids = finished.stream().map(ShardSplit::shardId).collect(Collectors.toSet());
        Set<String> withoutEnd = finished.stream()
                .filter(s -> !s.endMarkerSent())
                .map(ShardSplit::shardId)
                .collect(Collectors.toSet());
        LOG.info("Reporting finished shards {} to the enumerator", ids);
        context.sendSourceEventToCoordinator(new ShardsFinishedEvent(ids, withoutEnd));
    }

    @Override
    public List<ShardSplit> snapshotState(long checkpointId) {
        List<ShardSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
        finishedAwaitingCheckpoint.values().forEach(splits::addAll);
        lastSnapshotId = checkpointId;
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        // Only a checkpoint this reader took part in proves anything, and only for entries keyed
        // strictly below it: an entry keyed by this very id finished after that snapshot.
        if (checkpointId <= lastSnapshotId) {
            finishedAwaitingCheckpoint.headMap(checkpointId, false).clear();
        }
    }

    @Override
    protected EmittedSplitProgress initializedState(ShardSplit split) {
        EmittedSplitProgress state = new EmittedSplitProgress(split);
        shardMetrics.track(state);
        return state;
    }

    @Override
    protected ShardSplit toSplitType(String splitId, EmittedSplitProgress state) {
        return state.toSplit();
    }

    /** Finished splits still carried in checkpoints. */
    @VisibleForTesting
    List<ShardSplit> finishedSplitsAwaitingCheckpoint() {
        List<ShardSplit> all = new ArrayList<>();
        finishedAwaitingCheckpoint.values().forEach(all::addAll);
        return all;
    }
}
