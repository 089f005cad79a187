package io.datahubfcsync.datahub;

import java.util.Objects;

/**
 * One shard's position to commit to a subscription: the last record delivered, its system time
 * (epoch ms) and the session the commit is made under.
 */
public record SubscriptionCommit(String shardId, long sequence, long systemTime, SubscriptionSession session) {
    public SubscriptionCommit {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(session, "session");
    }
}
