package io.datahubfcsync.progress;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.SubscriptionOfflineException;
import com.aliyun.datahub.client.exception.SubscriptionOffsetResetException;
import com.aliyun.datahub.client.exception.SubscriptionSessionInvalidException;
import com.aliyun.datahub.client.model.SubscriptionOffset;
import io.datahubfcsync.datahub.DataHubConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SubscriptionMirror} on the DataHub SDK. A shard's first commit opens a session on it;
 * every commit carries that session's id and version, as DataHub requires. A session taken over
 * by another consumer is opened again; an offset reset in the console is logged, counted and
 * overwritten with the job's real position (the job never moves its own positions because of it).
 */
public final class SdkSubscriptionMirror implements SubscriptionMirror {
    private static final Logger LOG = LoggerFactory.getLogger(SdkSubscriptionMirror.class);

    private final DatahubClient client;
    private final String project;
    private final String topic;
    private final String subId;
    /** Per shard, the session and version of the last open. */
    private final Map<String, SubscriptionOffset> sessions = new HashMap<>();
    private final AtomicLong offsetResets = new AtomicLong();
    private final AtomicLong sessionsReopened = new AtomicLong();
    private boolean offline;

    SdkSubscriptionMirror(DatahubClient client, String project, String topic, String subId) {
        this.client = client;
        this.project = project;
        this.topic = topic;
        this.subId = subId;
    }

    /** Mirrors built in the TaskManager from where the credentials are, never the credentials. */
    public static Factory factory(DataHubConnection connection, String project, String topic, String subId) {
        return () -> new SdkSubscriptionMirror(connection.createSdkClient(), project, topic, subId);
    }

    @Override
    public synchronized Outcome commit(Collection<DeliveredPosition> positions) {
        List<DeliveredPosition> delivered = new ArrayList<>();
        for (DeliveredPosition p : positions) if (p.sequence() >= 0) delivered.add(p);
        if (delivered.isEmpty()) return Outcome.COMMITTED;
        try {
            try {
                commitOnce(delivered, false);
            } catch (SubscriptionSessionInvalidException e) {
                sessionsReopened.incrementAndGet();
                LOG.info("Subscription {} of {}/{}: another consumer took over the session; opening it again",
                        subId, project, topic);
                commitOnce(delivered, true);
            } catch (SubscriptionOffsetResetException e) {
                offsetResets.incrementAndGet();
                LOG.warn("Subscription {} of {}/{}: its offset was reset (in the DataHub console?). The job does not"
                                + " move its positions because of it: they come from Flink checkpoints. The"
                                + " subscription shows the job's delivered positions again from now on.",
                        subId, project, topic);
                commitOnce(delivered, true);
            }
            if (offline) LOG.info("Subscription {} of {}/{} is online again; committing positions", subId, project, topic);
            offline = false;
            return Outcome.COMMITTED;
        } catch (SubscriptionOfflineException e) {
            if (!offline) {
                LOG.warn("Subscription {} of {}/{} is OFFLINE: the job's progress is not shown there until it is"
                        + " online again (delivery is not affected)", subId, project, topic);
            }
            offline = true;
            return Outcome.OFFLINE;
        } catch (DatahubClientException e) {
            LOG.warn("Committing positions to subscription {} of {}/{} failed ({}); trying again at the next checkpoint"
                    + " (delivery is not affected)", subId, project, topic, describe(e));
            sessions.clear(); // open afresh next time
            return Outcome.FAILED;
        }
    }

    private void commitOnce(List<DeliveredPosition> delivered, boolean reopen) {
        List<String> toOpen = new ArrayList<>();
        for (DeliveredPosition p : delivered) {
            if (reopen || !sessions.containsKey(p.shardId())) toOpen.add(p.shardId());
        }
        if (!toOpen.isEmpty()) sessions.putAll(client.openSubscriptionSession(project, topic, subId, toOpen).getOffsets());
        Map<String, SubscriptionOffset> offsets = new LinkedHashMap<>();
        for (DeliveredPosition p : delivered) {
            SubscriptionOffset session = sessions.get(p.shardId());
            SubscriptionOffset o = new SubscriptionOffset();
            o.setSequence(p.sequence());
            o.setTimestamp(p.systemTime());
            o.setBatchIndex(0);
            o.setVersionId(session.getVersionId());
            o.setSessionId(session.getSessionId());
            offsets.put(p.shardId(), o);
        }
        client.commitSubscriptionOffset(project, topic, subId, offsets);
    }

    /** Error code and message, never the request (its headers hold the signature). */
    private static String describe(DatahubClientException e) {
        return (e.getErrorCode() != null ? e.getErrorCode() + ": " : "") + e.getErrorMessage();
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
    }
}
