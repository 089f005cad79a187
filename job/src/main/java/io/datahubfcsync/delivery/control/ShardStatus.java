package io.datahubfcsync.delivery.control;

import java.io.Serializable;
import java.util.List;

/**
 * One shard's delivery status, as its subtask reported it.
 *
 * @param shardId the DataHub shard
 * @param subtask index of the delivery subtask holding the shard
 * @param state where delivery stands
 * @param readSequence highest sequence that reached delivery (kept or let go for catch-up); -1 if none
 * @param deliveredSequence last sequence FC accepted (or set aside in the dead-letter topic); -1 if none
 * @param millisBehindLatest how far the oldest undelivered record is behind the newest DataHub holds
 * @param consecutiveFailures failed attempts of the batch at the head
 * @param lastError first line of the last failure, or null
 * @param lastRequestId FC request id of the last failure, or null
 * @param lastErrorAtMillis epoch ms of the last failure, or -1
 * @param parents the parents this shard waits for (or waited for); empty if none
 * @param reportedAtMillis epoch ms at which the subtask took this status
 */
public record ShardStatus(
        String shardId,
        int subtask,
        ShardState state,
        long readSequence,
        long deliveredSequence,
        long millisBehindLatest,
        int consecutiveFailures,
        String lastError,
        String lastRequestId,
        long lastErrorAtMillis,
        List<String> parents,
        long reportedAtMillis)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ShardStatus {
        parents = List.copyOf(parents);
    }

    /** The first line of an error message (messages may carry stack traces or function output). */
    public static String firstLine(String message) {
        if (message == null) return null;
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
