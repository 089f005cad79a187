package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
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
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the topic's shards every {@code datahub.shard-discovery-interval}, and right away when a
 * shard finishes (its children are then listed), and hands each shard to a reader once all its
 * parents were read to their end, so a key's records stay in order across splits and merges.
 * Each shard goes to the reader that owns it over the current parallelism (see
 * {@link ShardOwners}); a split waits until its owner has registered. Each split handed out names
 * the parents its delivery waits for: those this job read to their end.
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
    /** Shards deleted with their data before they were read (datahub.on-expired-position=oldest). */
    private final Counter vanishedShardsSkipped = new SimpleCounter();

    private long credentialsRefusedSinceMs = -1; // while shard listing is refused for the credentials

    public DataHubSplitEnumerator(
            SplitEnumeratorContext<ShardSplit> context, DataHubSourceConfig config, EnumeratorState state) {
        this.context = context;
        this.config = config;
        this.tracker = new ShardTracker(state);
        this.bounded = config.stopAtMs().isPresent();
    }

    @Override
    public void start() {
        client = config.clientFactory().create();
        discovery = new ShardDiscovery(
                client,
                new StartPositionResolver(config.startPosition()),
                config.resolvedStart(),
                tracker.startResolved());
        context.metricGroup().gauge(MetricNames.Enumerator.PENDING_SHARDS, tracker::pendingCount);
        context.metricGroup().gauge(MetricNames.Enumerator.ASSIGNED_SHARDS, tracker::assignedCount);
        context.metricGroup().counter(MetricNames.Enumerator.VANISHED_SHARDS_SKIPPED, vanishedShardsSkipped);
        context.callAsync(discovery, this::onShardsListed, 0, config.shardDiscoveryIntervalMs());
    }

    private void onShardsListed(@Nullable ShardListing listing, @Nullable Throwable error) {
        if (error != null) {
            if (error instanceof DataHubAuthException) {
                // refused credentials may be rotated in: list again next interval, fail only after the grace
                long now = System.currentTimeMillis();
                if (credentialsRefusedSinceMs < 0) credentialsRefusedSinceMs = now;
                if (now - credentialsRefusedSinceMs >= config.credentialsFailureGraceMs()) {
                    throw new FlinkRuntimeException(
                            "Shard discovery of " + config.project() + "/" + config.topic()
                                    + " failed: DataHub has refused the credentials from "
                                    + config.describeCredentials()
                                    + " for " + (now - credentialsRefusedSinceMs) / 1000
                                    + " s (credentials.failure-grace): "
                                    + error.getMessage(),
                            error);
                }
                LOG.warn(
                        "Shard discovery of {}/{}: DataHub refused the credentials from {}, trying again in {} ms: {}",
                        config.project(),
                        config.topic(),
                        config.describeCredentials(),
                        config.shardDiscoveryIntervalMs(),
                        error.getMessage());
                return;
            }
            if (error instanceof DataHubFatalException) {
                // thrown in the coordinator thread: fails the job with this message
                throw new FlinkRuntimeException(
                        "Shard discovery of " + config.project() + "/" + config.topic() + " failed: "
                                + error.getMessage(),
                        error);
            }
            LOG.warn(
                    "Shard discovery of {}/{} failed, retrying in {} ms: {}",
                    config.project(),
                    config.topic(),
                    config.shardDiscoveryIntervalMs(),
                    error.toString());
            return;
        }
        credentialsRefusedSinceMs = -1;
        ShardTracker.ListingChanges changes = tracker.onShardsListed(listing.shards(), listing.initialPositions());
        List<String> added = changes.added();
        if (tracker.startResolved()) {
            discovery.startResolved();
        }
        changes.vanished().forEach(this::vanishedBeforeRead);
        if (!added.isEmpty()) {
            LOG.info("Discovered shards {} of {}/{}", added, config.project(), config.topic());
        }
        assignReadySplits();
        signalEndIfDone();
    }

    /**
     * A shard waiting for its turn was deleted with its data before this job read any of it.
     * Under {@code fail} the job fails for good (no restart brings the records back); under
     * {@code oldest} it is logged, counted, and its children may go on.
     */
    private void vanishedBeforeRead(ShardSplit split) {
        CursorPosition p = split.position();
        long firstLost = p.kind() == CursorPosition.Kind.SEQUENCE ? p.value() : 0;
        String context = "no longer listed by DataHub: the shard and its records were deleted before this job read it";
        if (config.onExpiredPosition() == OnExpiredPosition.FAIL) {
            throw new SuppressRestartsException(new LostRecordsException(
                    config.project(), config.topic(), split.shardId(), firstLost, -1, context));
        }
        vanishedShardsSkipped.inc();
        LOG.warn(
                "{} Continuing (datahub.on-expired-position=oldest): its children are read without it.",
                LostRecordsException.describe(
                        config.project(), config.topic(), split.shardId(), firstLost, -1, context));
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof ReaderSplitsEvent holds) {
            tracker.onReaderHolds(subtaskId, holds.shardIds());
            assignReadySplits();
            return;
        }
        if (!(sourceEvent instanceof ShardsFinishedEvent finished)) {
            LOG.warn("Ignoring unexpected source event {} from subtask {}", sourceEvent, subtaskId);
            return;
        }
        Set<String> newlyFinished = tracker.onShardsFinished(finished.shardIds(), finished.withoutEndMarker());
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

    /**
     * Hands each ready split to its owner ({@link ShardOwners}) over the current parallelism; a
     * split whose owner has not registered yet waits for it, so that readers registering one
     * after another at start-up each still get their share. An owner that already holds its
     * share of the open shards (as after a restore at another parallelism, where Flink spread the
     * restored splits its own way) passes the split to the least loaded reader below the share.
     */
    private void assignReadySplits() {
        Set<Integer> readers = context.registeredReaders().keySet();
        if (readers.isEmpty()) return;
        List<ShardSplit> ready = tracker.readyToAssign();
        if (ready.isEmpty()) return;
        int parallelism = context.currentParallelism();
        Map<Integer, Integer> load = tracker.loadBySubtask();
        int open = load.values().stream().mapToInt(Integer::intValue).sum() + ready.size();
        int share = (open + parallelism - 1) / parallelism;
        Map<Integer, List<ShardSplit>> assignment = new HashMap<>();
        for (ShardSplit split : ready) {
            int owner = ShardOwners.ownerOf(split, parallelism);
            if (!readers.contains(owner)) continue;
            int target = load.getOrDefault(owner, 0) < share ? owner : leastLoadedBelow(share, readers, load, owner);
            load.merge(target, 1, Integer::sum);
            assignment
                    .computeIfAbsent(target, k -> new ArrayList<>())
                    .add(split.withAwaitedParents(tracker.awaitedParents(split)));
            tracker.markAssigned(split.shardId(), target);
        }
        if (assignment.isEmpty()) return;
        LOG.info("Assigning {}", assignment);
        context.assignSplits(new SplitsAssignment<>(assignment));
    }

    /** The registered reader with the fewest shards if it holds fewer than {@code share}; else {@code owner}. */
    private static int leastLoadedBelow(int share, Set<Integer> readers, Map<Integer, Integer> load, int owner) {
        int best = owner;
        int bestLoad = load.getOrDefault(owner, 0);
        for (int r : readers) {
            int l = load.getOrDefault(r, 0);
            if (l < share && (l < bestLoad || (l == bestLoad && r < best))) {
                best = r;
                bestLoad = l;
            }
        }
        return best;
    }

    private void signalEndIfDone() {
        if (!bounded || noMoreSplits || !tracker.allListedShardsFinished()) return;
        noMoreSplits = true;
        LOG.info(
                "Every shard of {}/{} reached the stop time or its end; the source is finishing",
                config.project(),
                config.topic());
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
