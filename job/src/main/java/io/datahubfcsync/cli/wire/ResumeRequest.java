package io.datahubfcsync.cli.wire;

import java.io.Serializable;

/**
 * Wire twin of {@code delivery.control.ResumeRequest}.
 *
 * @param shardId the shard to resume, or null for every suspended shard
 */
public record ResumeRequest(String shardId) implements Serializable {
    private static final long serialVersionUID = 1L;
}
