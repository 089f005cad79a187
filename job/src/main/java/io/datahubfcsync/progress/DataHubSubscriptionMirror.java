package io.datahubfcsync.progress;

import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.DataHubSubscriptions;
import io.datahubfcsync.datahub.SubscriptionCommit;
import io.datahubfcsync.datahub.SubscriptionSession;
import io.datahubfcsync.datahub.SubscriptionStateException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SubscriptionMirror} on a DataHub subscription. A shard's first commit opens a session on
 * it; every commit carries that session's id and version, as DataHub requires. A session taken over
 * by another consumer is opened again; an offset reset in the console is logged, counted and
 * overwritten with the job's real position (the job never moves its own positions because of it).
 */
public final class DataHubSubscriptionMirror implements SubscriptionMirror {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubSubscriptionMirror.class);

    private final DataHubSubscriptions subscriptions;
    private final String project;
    private final String topic;
    private final String subId;
    /** Per shard, the session and version of the last open. */
    private final Map<String, SubscriptionSession> sessions = new HashMap<>();

    private final AtomicLong offsetResets = new AtomicLong();
    private final AtomicLong sessionsReopened = new AtomicLong();
    private boolean offline;

    DataHubSubscriptionMirror(DataHubSubscriptions subscriptions, String project, String topic, String subId) {
        this.subscriptions = subscriptions;
        this.project = project;
        this.topic = topic;
        this.subId = subId;
    }

    /** Mirrors built in the TaskManager from where the credentials are, never the credentials. */
    public static Factory factory(DataHubConnection connection, String project, String topic, String subId) {
        return () -> new DataHubSubscriptionMirror(connection.subscriptions(project, topic), project, topic, subId);
    }

    @Override
    public synchronized Outcome commit(Collection<DeliveredPosition> positions) {
        List<DeliveredPosition> delivered = new ArrayList<>();
        for (DeliveredPosition p : positions) if (p.sequence() >= 0) delivered.add(p);
        if (delivered.isEmpty()) return Outcome.COMMITTED;
        try {
            try {
                commitOnce(delivered, false);
            } catch (SubscriptionStateException e) {
                switch (e.reason()) {
                    case SESSION_TAKEN_OVER -> {
                        sessionsReopened.incrementAndGet();
                        LOG.info(
                                "Subscription {} of {}/{}: another consumer took over the session; opening it again",
                                subId,
                                project,
                                topic);
                    }
                    case OFFSET_RESET -> {
                        offsetResets.incrementAndGet();
                        LOG.warn(
                                "Subscription {} of {}/{}: its offset was reset (in the DataHub console?). The job"
                                        + " does not move its positions because of it: they come from Flink"
                                        + " checkpoints. The subscription shows the job's delivered positions again"
                                        + " from now on.",
                                subId,
                                project,
                                topic);
                    }
                    case OFFLINE -> throw e;
                }
                commitOnce(delivered, true);
            }
            if (offline)
                LOG.info("Subscription {} of {}/{} is online again; committing positions", subId, project, topic);
            offline = false;
            return Outcome.COMMITTED;
        } catch (SubscriptionStateException e) {
            if (e.reason() != SubscriptionStateException.Reason.OFFLINE) return failed(e);
            if (!offline) {
                LOG.warn(
                        "Subscription {} of {}/{} is OFFLINE: the job's progress is not shown there until it is"
                                + " online again (delivery is not affected)",
                        subId,
                        project,
                        topic);
            }
            offline = true;
            return Outcome.OFFLINE;
        } catch (DataHubException e) {
            return failed(e);
        }
    }

    private Outcome failed(DataHubException e) {
        LOG.warn(
                "Committing positions to subscription {} of {}/{} failed ({}); trying again at the next checkpoint"
                        + " (delivery is not affected)",
                subId,
                project,
                topic,
                e.getMessage());
        sessions.clear(); // open afresh next time
        return Outcome.FAILED;
    }

    private void commitOnce(List<DeliveredPosition> delivered, boolean reopen) {
        List<String> toOpen = new ArrayList<>();
        for (DeliveredPosition p : delivered) {
            if (reopen || !sessions.containsKey(p.shardId())) toOpen.add(p.shardId());
        }
        if (!toOpen.isEmpty()) sessions.putAll(subscriptions.openSessions(subId, toOpen));
        List<SubscriptionCommit> offsets = new ArrayList<>();
        for (DeliveredPosition p : delivered) {
            offsets.add(new SubscriptionCommit(p.shardId(), p.sequence(), p.systemTime(), sessions.get(p.shardId())));
        }
        subscriptions.commit(subId, offsets);
    }

    @Override
    public long offsetResets() {
        return offsetResets.get();
    }

    @Override
    public long sessionsReopened() {
        return sessionsReopened.get();
    }

    @Override
    public synchronized void close() {
        sessions.clear();
        subscriptions.close();
    }
}
