package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.DeliveredShardsEvent;
import io.datahubfcsync.delivery.coordination.ShardDeliveredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subtask's side of delivery order across a split or merge. A child lane (told its parents by
 * the source's START marker) holds its records until the coordinator says every parent was
 * delivered to its END; a lane delivered to its END reports it, and reports it again after every
 * restore; it forgets the shard only once a completed checkpoint holds the coordinator's knowledge of
 * it. Parents and children may live on different subtasks and TaskManagers: all of it goes through
 * the coordinator, nothing through shared memory.
 */
final class ParentGate {
    private static final Logger LOG = LoggerFactory.getLogger(ParentGate.class);

    private final String operatorName;
    private final OperatorEventGateway coordinator;
    /** Shards the coordinator said are delivered to their END. */
    private final Set<String> delivered = new HashSet<>();
    /** Shards this subtask reported and the coordinator acknowledged: id of the checkpoint after which it is kept. */
    private final Map<String, Long> acknowledged = new HashMap<>();

    ParentGate(String operatorName, OperatorEventGateway coordinator) {
        this.operatorName = operatorName;
        this.coordinator = coordinator;
    }

    /**
     * A START marker: the lane is a child of {@code parents}. A lane that has delivered or holds
     * nothing yet waits for them; one that already got going (restored, or from a release without
     * markers) had its parents delivered before.
     */
    void started(DeliveryLane lane, List<String> parents) {
        if (!lane.parents.isEmpty() || parents.isEmpty()) return; // told before (START again after a restore)
        lane.parents = List.copyOf(parents);
        boolean fresh = lane.pending.isEmpty() && !lane.hasGap() && lane.deliveredSequence() < 0;
        lane.parentsDelivered = !fresh || delivered.containsAll(parents);
        if (!lane.parentsDelivered) {
            LOG.info(
                    "{}: shard {} waits for its parents {} to be delivered to their end",
                    operatorName,
                    lane.shardId,
                    parents);
        }
    }

    /** Reports the lane if it is delivered to its END (again after a restore: reports are not aligned with checkpoints). */
    void reportIfDelivered(DeliveryLane lane) {
        if (lane.endReported || !lane.deliveredToEnd()) return;
        lane.endReported = true;
        LOG.info("{}: shard {} delivered to its end (sequence {})", operatorName, lane.shardId, lane.endSequence);
        coordinator.sendEventToCoordinator(new ShardDeliveredEvent(lane.shardId));
    }

    /**
     * The coordinator's news.
     *
     * @return lanes whose parents are now all delivered (they may go)
     */
    List<DeliveryLane> learned(DeliveredShardsEvent event, Collection<DeliveryLane> lanes) {
        delivered.addAll(event.shards());
        List<DeliveryLane> released = new ArrayList<>();
        for (DeliveryLane lane : lanes) {
            if (event.shards().contains(lane.shardId) && lane.endReported) {
                acknowledged.putIfAbsent(lane.shardId, event.inCheckpointsAfter());
            }
            if (!lane.parentsDelivered && delivered.containsAll(lane.parents)) {
                lane.parentsDelivered = true;
                LOG.info(
                        "{}: the parents {} of shard {} are delivered: its records go now",
                        operatorName,
                        lane.parents,
                        lane.shardId);
                released.add(lane);
            }
        }
        return released;
    }

    /** @return shards this subtask may forget: reported, acknowledged, and in a completed checkpoint of the coordinator */
    List<String> forgettable(long completedCheckpointId) {
        List<String> out = new ArrayList<>();
        acknowledged.forEach((shard, after) -> {
            if (completedCheckpointId > after) out.add(shard);
        });
        out.forEach(acknowledged::remove);
        return out;
    }
}
