package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.DataHubSourceConfig;
import io.datahubfcsync.source.client.DataHubClient;
import io.datahubfcsync.source.client.DataHubAuthException;
import io.datahubfcsync.source.client.DataHubFatalException;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the topic's shards every {@code datahub.shard-discovery-interval}, and right away when a
 * shard finishes (its children are then listed), and hands each shard to a reader once all its
 * parents were read to their end, so a key's records stay in order across splits and merges.
 * Shards go to the registered reader with the fewest shards.
 *
 * <p>With a stop time the source is bounded: once every listed shard is finished the readers are
 * told there are no more splits, and the job ends.
 */
public final class DataHubSplitEnumerator implements SplitEnumerator<ShardSplit, EnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubSplitEnumerator.class);

    private final SplitEnumeratorContext<ShardSplit> context;
    private final DataHubSourceConfig config;
    private final ShardTracker tracker;
    private final boolean bounded;

    private DataHubClient client;
    private ShardDiscovery discovery;
    private boolean noMoreSplits;
    private long credentialsRefusedSinceMs = -1; // while shard listing is refused for the credentials

    public DataHubSplitEnumerator(SplitEnumeratorContext<ShardSplit> context, DataHubSourceConfig config,
                                  EnumeratorState state) {
        this.context = context;
        this.config = config;
        this.tracker = new ShardTracker(state);
        this.bounded = config.stopAtMs().isPresent();
    }

    @Override
    public void start() {
        client = config.clientFactory().create();
        discovery = new ShardDiscovery(client, new StartPositionResolver(config.startPosition()),
                tracker.startResolved());
        context.metricGroup().gauge("pendingShards", tracker::pendingCount);
        context.metricGroup().gauge("assignedShards", tracker::assignedCount);
        context.callAsync(discovery, this::onShardsListed, 0, config.shardDiscoveryIntervalMs());
    }

    private void onShardsListed(@Nullable ShardListing listing, @Nullable Throwable error) {
        if (error != null) {
            if (error instanceof DataHubAuthException) {
                // refused credentials may be rotated in: list again next interval, fail only after the grace
                long now = System.currentTimeMillis();
                if (credentialsRefusedSinceMs < 0) credentialsRefusedSinceMs = now;
                if (now - credentialsRefusedSinceMs >= config.credentialsFailureGraceMs()) {
                    throw new FlinkRuntimeException("Shard discovery of " + config.project() + "/" + config.topic()
                            + " failed: DataHub has refused the credentials from " + config.describeCredentials()
                            + " for " + (now - credentialsRefusedSinceMs) / 1000 + " s (credentials.failure-grace): "
                            + error.getMessage(), error);
                }
                LOG.warn("Shard discovery of {}/{}: DataHub refused the credentials from {}, trying again in {} ms: {}",
                        config.project(), config.topic(), config.describeCredentials(),
                        config.shardDiscoveryIntervalMs(), error.getMessage());
                return;
            }
            if (error instanceof DataHubFatalException) {
                // thrown in the coordinator thread: fails the job with this message
                throw new FlinkRuntimeException("Shard discovery of " + config.project() + "/" + config.topic()
                        + " failed: " + error.getMessage(), error);
            }
            LOG.warn("Shard discovery of {}/{} failed, retrying in {} ms: {}", config.project(), config.topic(),
                    config.shardDiscoveryIntervalMs(), error.toString());
            return;
        }
        credentialsRefusedSinceMs = -1;
        List<String> added = tracker.onShardsListed(listing.shards(), listing.initialPositions());
        if (tracker.startResolved()) {
            discovery.startResolved();
        }
        if (!added.isEmpty()) {
            LOG.info("Discovered shards {} of {}/{}", added, config.project(), config.topic());
        }
        assignReadySplits();
        signalEndIfDone();
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (!(sourceEvent instanceof ShardsFinishedEvent finished)) {
            LOG.warn("Ignoring unexpected source event {} from subtask {}", sourceEvent, subtaskId);
            return;
        }
        Set<String> newlyFinished = tracker.onShardsFinished(finished.shardIds());
        if (!newlyFinished.isEmpty()) {
            LOG.info("Subtask {} finished shards {}", subtaskId, newlyFinished);
            // children of a finished shard should start now, not at the next discovery tick
            context.callAsync(discovery, this::onShardsListed);
        }
        assignReadySplits();
        signalEndIfDone();
    }

    @Override
    public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
        LOG.info("Subtask {} returned splits {}", subtaskId, splits);
        tracker.onSplitsReturned(splits);
        assignReadySplits();
    }

    @Override
    public void addReader(int subtaskId) {
        assignReadySplits();
        if (noMoreSplits) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // push model: splits are assigned as shards become ready
    }

    private void assignReadySplits() {
        Set<Integer> readers = context.registeredReaders().keySet();
        if (readers.isEmpty()) return;
        List<ShardSplit> ready = tracker.readyToAssign();
        if (ready.isEmpty()) return;
        Map<Integer, Integer> load = new HashMap<>();
        readers.forEach(r -> load.put(r, 0));
        tracker.loadBySubtask().forEach((subtask, n) -> load.computeIfPresent(subtask, (k, v) -> v + n));
        Map<Integer, List<ShardSplit>> assignment = new HashMap<>();
        for (ShardSplit split : ready) {
            int target = leastLoaded(load);
            load.merge(target, 1, Integer::sum);
            assignment.computeIfAbsent(target, k -> new ArrayList<>()).add(split);
            tracker.markAssigned(split.shardId(), target);
        }
        LOG.info("Assigning {}", assignment);
        context.assignSplits(new SplitsAssignment<>(assignment));
    }

    private static int leastLoaded(Map<Integer, Integer> load) {
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Integer> e : load.entrySet()) {
            if (e.getValue() < bestLoad || (e.getValue() == bestLoad && e.getKey() < best)) {
                best = e.getKey();
                bestLoad = e.getValue();
            }
        }
        return best;
    }

    private void signalEndIfDone() {
        if (!bounded || noMoreSplits || !tracker.allListedShardsFinished()) return;
        noMoreSplits = true;
        LOG.info("Every shard of {}/{} reached the stop time or its end; the source is finishing",
                config.project(), config.topic());
        for (int reader : context.registeredReaders().keySet()) {
            context.signalNoMoreSplits(reader);
        }
    }

    @Override
    public EnumeratorState snapshotState(long checkpointId) {
        return tracker.snapshot();
    }

    @Override
    public void close() {
        if (client != null) client.close();
    }
}
