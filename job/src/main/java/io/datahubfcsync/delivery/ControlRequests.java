package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.coordination.ResumeCommandEvent;
import io.datahubfcsync.delivery.coordination.ResumeReportEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The subtask's answers to the coordinator's status and resume requests. */
final class ControlRequests {
    private final int subtask;
    private final Suspension suspension;

    ControlRequests(int subtask, Suspension suspension) {
        this.subtask = subtask;
        this.suspension = suspension;
    }

    List<ShardStatus> statuses(Collection<DeliveryLane> lanes) {
        long now = System.currentTimeMillis();
        List<ShardStatus> out = new ArrayList<>();
        for (DeliveryLane lane : lanes) {
            out.add(new ShardStatus(
                    lane.shardId,
                    subtask,
                    lane.statusState(),
                    lane.highestSequence(),
                    lane.deliveredSequence(),
                    lane.millisBehindLatest(),
                    lane.consecutiveFailures(),
                    ShardStatus.firstLine(lane.lastError),
                    lane.lastRequestId,
                    lane.lastErrorAtMillis,
                    lane.parents,
                    now));
        }
        return out;
    }

    /** Resumes the named shard (or every one) if suspended; says which were not. */
    ResumeReportEvent resume(ResumeCommandEvent command, Collection<DeliveryLane> lanes) throws Exception {
        List<String> resumed = new ArrayList<>();
        Map<String, ShardState> notSuspended = new HashMap<>();
        for (DeliveryLane lane : new ArrayList<>(lanes)) {
            if (command.shardId() != null && !command.shardId().equals(lane.shardId)) continue;
            if (suspension.resume(lane)) resumed.add(lane.shardId);
            else if (command.shardId() != null) notSuspended.put(lane.shardId, lane.statusState());
        }
        return new ResumeReportEvent(command.requestId(), resumed, notSuspended);
    }
}
