package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import com.aliyun.datahub.client.model.ListSubscriptionResult;
import com.aliyun.datahub.client.model.SubscriptionEntry;
import com.aliyun.datahub.client.model.SubscriptionOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link DataHubSubscriptions} over the DataHub Java SDK, for one project/topic. */
final class SdkDataHubSubscriptions implements DataHubSubscriptions {
    /** Subscriptions asked for per ListSubscription call. */
    private static final int PAGE_SIZE = 100;

    private final DatahubClient sdk;
    private final String project;
    private final String topic;

    SdkDataHubSubscriptions(DatahubClient sdk, String project, String topic) {
        this.sdk = Objects.requireNonNull(sdk, "sdk");
        this.project = Objects.requireNonNull(project, "project");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public boolean exists(String subId) {
        try {
            sdk.getSubscription(project, topic, subId);
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "getSubscription " + subId + " of " + project + "/" + topic);
        }
    }

    @Override
    public Optional<String> findByComment(String comment) {
        String what = "listSubscription of " + project + "/" + topic;
        for (int page = 1; ; page++) {
            ListSubscriptionResult result;
            try {
                result = sdk.listSubscription(project, topic, page, PAGE_SIZE);
            } catch (RuntimeException e) {
                throw SdkErrors.map(e, what);
            }
            List<SubscriptionEntry> subscriptions = result.getSubscriptions();
            for (SubscriptionEntry s : subscriptions) {
                if (comment.equals(s.getComment())) return Optional.of(s.getSubId());
            }
            if (subscriptions.size() < PAGE_SIZE) return Optional.empty();
        }
    }

    @Override
    public String create(String comment) {
        try {
            return sdk.createSubscription(project, topic, comment).getSubId();
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "createSubscription of " + project + "/" + topic);
        }
    }

    @Override
    public Map<String, SubscriptionSession> openSessions(String subId, List<String> shardIds) {
        Map<String, SubscriptionOffset> opened;
        try {
            opened =
                    sdk.openSubscriptionSession(project, topic, subId, shardIds).getOffsets();
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "openSubscriptionSession " + subId + " of " + project + "/" + topic);
        }
        Map<String, SubscriptionSession> sessions = new LinkedHashMap<>();
        opened.forEach(
                (shardId, o) -> sessions.put(shardId, new SubscriptionSession(o.getSessionId(), o.getVersionId())));
        return sessions;
    }

    @Override
    public void commit(String subId, List<SubscriptionCommit> offsets) {
        Map<String, SubscriptionOffset> sdkOffsets = new LinkedHashMap<>();
        for (SubscriptionCommit c : offsets) {
            SubscriptionOffset o = new SubscriptionOffset();
            o.setSequence(c.sequence());
            o.setTimestamp(c.systemTime());
            o.setBatchIndex(0);
            o.setVersionId(c.session().versionId());
            o.setSessionId(c.session().sessionId());
            sdkOffsets.put(c.shardId(), o);
        }
        try {
            sdk.commitSubscriptionOffset(project, topic, subId, sdkOffsets);
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "commitSubscriptionOffset " + subId + " of " + project + "/" + topic);
        }
    }

    /** The SDK shares one connection pool per process and has nothing per client to release. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "SdkDataHubSubscriptions{" + project + "/" + topic + '}';
    }
}
