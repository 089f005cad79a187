package io.datahubfcsync.progress;

import io.datahubfcsync.metrics.MetricNames;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors one subtask's delivered positions into a DataHub subscription once the checkpoint that
 * holds them has completed, so the subscription never shows more than a restore would keep.
 *
 * <p>Called on the task thread; the commits run on one thread of their own, so a slow or failing
 * DataHub never holds up delivery or checkpointing. When commits fall behind, only the newest
 * completed checkpoint's positions are committed.
 */
public final class ProgressPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPublisher.class);

    private final SubscriptionMirror mirror;
    private final ExecutorService committer;
    /** Positions per checkpoint taken and not yet completed (task thread only). */
    private final TreeMap<Long, List<DeliveredPosition>> taken = new TreeMap<>();
    /** The newest completed checkpoint's positions waiting for the committer. */
    private final AtomicReference<List<DeliveredPosition>> due = new AtomicReference<>();

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong offline = new AtomicLong();

    public ProgressPublisher(SubscriptionMirror mirror, String threadName) {
        this.mirror = mirror;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.committer = pool;
    }

    /**
     * Counters under the operator's group: {@code subscriptionCommits}, {@code subscriptionCommitFailures},
     * {@code subscriptionOffline} (commits skipped because it was OFFLINE), {@code subscriptionOffsetResets}.
     */
    public void registerMetrics(MetricGroup group) {
        group.gauge(MetricNames.Subscription.COMMITS, commits::get);
        group.gauge(MetricNames.Subscription.COMMIT_FAILURES, failures::get);
        group.gauge(MetricNames.Subscription.OFFLINE, offline::get);
        group.gauge(MetricNames.Subscription.OFFSET_RESETS, mirror::offsetResets);
    }

    /** The positions a checkpoint holds, recorded when it is taken. */
    public void checkpointTaken(long checkpointId, List<DeliveredPosition> positions) {
        taken.put(checkpointId, List.copyOf(positions));
    }

    /** Commits the positions of {@code checkpointId} (if this subtask took it) off the task thread. */
    public void checkpointCompleted(long checkpointId) {
        List<DeliveredPosition> positions = taken.get(checkpointId);
        taken.headMap(checkpointId, true).clear(); // older ones are superseded
        if (positions == null) return;
        if (due.getAndSet(positions) == null) {
            committer.execute(this::commitDue);
        }
    }

    /** A checkpoint that will never complete. */
    public void checkpointAborted(long checkpointId) {
        taken.remove(checkpointId);
    }

    private void commitDue() {
        List<DeliveredPosition> positions = due.getAndSet(null);
        if (positions == null) return;
        try {
            switch (mirror.commit(positions)) {
                case COMMITTED -> commits.incrementAndGet();
                case OFFLINE -> offline.incrementAndGet();
                case FAILED -> failures.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("Mirroring positions to the DataHub subscription failed; delivery is not affected", e);
        }
    }

    /** Commits made so far (the {@code subscriptionCommits} gauge reads the same count). */
    @VisibleForTesting
    public long commits() {
        return commits.get();
    }

    /** Lets a commit that is due or running finish (a few seconds at most), then stops. */
    @Override
    public void close() {
        committer.shutdown();
        try {
            if (!committer.awaitTermination(5, TimeUnit.SECONDS)) committer.shutdownNow();
        } catch (InterruptedException e) {
            committer.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            mirror.close();
        }
    }
}
