package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads all shards assigned to one reader: the fetcher thread decides which shard is due and hands
 * its reads to a small pool of call threads ({@code datahub.fetch-concurrency}), so that up to that
 * many GetRecords calls are in flight at once and a slow or idle shard never holds up one that has
 * data. Each shard has at most one call in flight, so its records stay in order.
 *
 * <p>Scheduling: a shard that returned data is due again at once and goes before shards that had
 * none; an empty read makes a shard wait a little longer each time (bounded by the idle backoff, a
 * few hundred ms) so idle topics cost a few calls per shard and second; a finished shard is never
 * called again. {@link #fetch()} returns whatever reads have completed, waiting for the first one
 * (or the next due time) when none has, and {@link #wakeUp()} ends that wait at once. How each
 * read is made and what its answer means is {@link ShardFetch}'s job.
 *
 * <p>Markers: a shard that awaits parents gets its START marker ahead of anything else it emits,
 * each time the split is taken up; a finished shard's END marker follows its last record and
 * precedes the report that the split is finished.
 */
public final class DataHubSplitReader implements SplitReader<ShardRecord, ShardSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubSplitReader.class);

    /** Upper bound on a wait when nothing is due, so pauses and wake-ups are re-checked. */
    private static final long MAX_IDLE_WAIT_MS = 1_000;

    private static final AtomicInteger READERS = new AtomicInteger();

    private final DataHubClient client;
    private final DataHubSourceConfig config;
    private final LongSupplier clock;
    private final ShardFetch reads;
    private final ExecutorService calls;
    private final int concurrency;
    private final SourceBacklog backlog;

    private final Map<String, ShardFetchState> shards = new LinkedHashMap<>();
    private final Set<String> paused = new HashSet<>();
    private final Set<String> inFlight = new HashSet<>();
    /** Completed reads, and {@link #WAKE_UP} when {@link #wakeUp()} was called. */
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

    private int rotation;

    /** What a call thread hands back: the shard, the records it read, or what went wrong. */
    private record Completion(ShardFetchState shard, List<ShardRecord> records, RuntimeException failure) {}

    private static final Completion WAKE_UP = new Completion(null, List.of(), null);

    public DataHubSplitReader(
            DataHubClient client, DataHubSourceConfig config, ReaderCounters counters, LongSupplier clock) {
        this(client, config, counters, new SourceBacklog(), clock);
    }

    public DataHubSplitReader(
            DataHubClient client,
            DataHubSourceConfig config,
            ReaderCounters counters,
            SourceBacklog backlog,
            LongSupplier clock) {
        this.backlog = backlog;
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.reads = new ShardFetch(client, config, counters, clock);
        this.concurrency = config.fetchConcurrency();
        String name = "datahub-reads-" + config.topic() + "-" + READERS.incrementAndGet() + "-";
        AtomicInteger threads = new AtomicInteger();
        this.calls = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, name + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public RecordsWithSplitIds<ShardRecord> fetch() {
        try {
            return fetchCompletedReads();
        } catch (LostRecordsException e) {
            // no restart can bring deleted records back: fail for good, as the message says
            throw new SuppressRestartsException(e);
        }
    }

    private RecordsWithSplitIds<ShardRecord> fetchCompletedReads() {
        RecordsBySplits.Builder<ShardRecord> out = new RecordsBySplits.Builder<>();
        boolean emitted = emitStartMarkers(out);
        submitDueReads();
        boolean woken = false;
        Completion first = completions.poll();
        if (first == null && !emitted) {
            first = awaitCompletion();
        }
        for (Completion c = first; c != null; c = completions.poll()) {
            if (c == WAKE_UP) {
                woken = true;
                continue;
            }
            emitted |= take(c, out);
        }
        if (!woken) submitDueReads(); // keep the calls busy while the records just read are emitted
        return out.build();
    }

    private boolean emitStartMarkers(RecordsBySplits.Builder<ShardRecord> out) {
        boolean any = false;
        for (ShardFetchState shard : shards.values()) {
            if (shard.startMarkerDue) {
                out.add(shard.shardId, ShardRecord.start(shard.shardId, shard.awaitedParents.toArray(new String[0])));
                shard.startMarkerDue = false;
                any = true;
            }
        }
        return any;
    }

    /**
     * Starts a read on every due shard without one in flight, while fewer than the concurrency
     * are in flight: shards that had data last time first, then the others in turn.
     */
    private void submitDueReads() {
        if (inFlight.size() >= concurrency || shards.isEmpty()) return;
        long now = clock.getAsLong();
        List<ShardFetchState> order = new ArrayList<>(shards.values());
        int n = order.size();
        rotation = (rotation + 1) % n;
        List<ShardFetchState> due = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ShardFetchState s = order.get((rotation + i) % n);
            if (!inFlight.contains(s.shardId) && !paused.contains(s.shardId) && s.nextAttemptAtMs <= now) due.add(s);
        }
        due.sort(Comparator.comparingInt(s -> s.idle.attempts() == 0 ? 0 : 1)); // stable: keeps the turn order
        for (ShardFetchState shard : due) {
            if (inFlight.size() >= concurrency) break;
            inFlight.add(shard.shardId);
            calls.execute(() -> {
                try {
                    completions.add(new Completion(shard, reads.readOnce(shard), null));
                } catch (RuntimeException e) {
                    completions.add(new Completion(shard, List.of(), e));
                }
            });
        }
    }

    /** Waits for a read to complete, the next shard to fall due, or a wake-up. */
    private Completion awaitCompletion() {
        long wait = MAX_IDLE_WAIT_MS;
        if (inFlight.isEmpty()) {
            long now = clock.getAsLong();
            for (ShardFetchState s : shards.values()) {
                if (!paused.contains(s.shardId)) wait = Math.min(wait, s.nextAttemptAtMs - now);
            }
            if (wait <= 0) return null;
        }
        try {
            return completions.poll(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Takes a completed read in; true if it added anything to {@code out}. */
    private boolean take(Completion c, RecordsBySplits.Builder<ShardRecord> out) {
        ShardFetchState shard = c.shard();
        inFlight.remove(shard.shardId);
        if (shards.get(shard.shardId) != shard) return false; // the split was removed meanwhile
        if (c.failure() != null) throw c.failure();
        for (ShardRecord r : c.records()) out.add(shard.shardId, r);
        backlog.shardRead(shard.shardId, shard.knownLatestSequence, shard.at.lastReadSequence);
        if (!c.records().isEmpty()) {
            backlog.recordFetched(c.records().get(c.records().size() - 1).systemTime, clock.getAsLong());
        }
        if (shard.finished) {
            backlog.shardGone(shard.shardId);
            shards.remove(shard.shardId);
            out.add(shard.shardId, ShardRecord.end(shard.shardId, shard.at.lastReadSequence));
            out.addFinishedSplit(shard.shardId);
            return true;
        }
        return !c.records().isEmpty();
    }

    /** When the shard is next due, relative to the reader's clock. */
    @VisibleForTesting
    long millisUntilDue(String shardId) {
        return shards.get(shardId).nextAttemptAtMs - clock.getAsLong();
    }

    /** GetRecords and seek calls made for the shard so far. */
    @VisibleForTesting
    int callsOf(String shardId) {
        return shards.get(shardId).calls;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ShardSplit> change) {
        if (change instanceof SplitsAddition) {
            for (ShardSplit split : change.splits()) {
                if (split.isFinished()) continue;
                shards.put(
                        split.shardId(),
                        new ShardFetchState(split, config.idleBackoffMaxMs(), config.retryBackoffMaxMs()));
            }
        } else if (change instanceof SplitsRemoval) {
            change.splits().forEach(s -> {
                backlog.shardGone(s.shardId());
                shards.remove(s.shardId());
                paused.remove(s.shardId());
            });
        }
    }

    @Override
    public void pauseOrResumeSplits(Collection<ShardSplit> toPause, Collection<ShardSplit> toResume) {
        toPause.forEach(s -> paused.add(s.shardId()));
        toResume.forEach(s -> paused.remove(s.shardId()));
    }

    @Override
    public void wakeUp() {
        completions.add(WAKE_UP);
    }

    @Override
    public void close() throws Exception {
        calls.shutdownNow();
        if (!calls.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("DataHub read calls of {}/{} still running after close", config.project(), config.topic());
        }
        client.close();
    }
}
