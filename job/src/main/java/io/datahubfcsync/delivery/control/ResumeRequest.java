package io.datahubfcsync.delivery.control;

import org.apache.flink.runtime.operators.coordination.CoordinationRequest;

/**
 * Tries a suspended shard's batch at once with a fresh {@code retry.max-attempts}. Answered with a
 * {@link ResumeResponse}; resuming a shard that is not suspended changes nothing and says so.
 *
 * @param shardId the shard to resume, or null for every suspended shard
 */
public record ResumeRequest(String shardId) implements CoordinationRequest {
    private static final long serialVersionUID = 1L;

    public static ResumeRequest allSuspended() {
        return new ResumeRequest(null);
    }

    public static ResumeRequest shard(String shardId) {
        return new ResumeRequest(shardId);
    }
}
