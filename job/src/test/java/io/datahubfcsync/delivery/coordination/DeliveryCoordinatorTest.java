package io.datahubfcsync.delivery.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.control.ResumeRequest;
import io.datahubfcsync.delivery.control.ResumeResponse;
import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.control.ShardStatusRequest;
import io.datahubfcsync.delivery.control.ShardStatusResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.executiongraph.ExecutionGraphID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.messages.Acknowledge;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.runtime.scheduler.strategy.ExecutionVertexID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delivery coordinator against recording subtask gateways: what it keeps, checkpoints, broadcasts and answers. */
class DeliveryCoordinatorTest {
    private final DeliveryCoordinator coordinator = new DeliveryCoordinator("FC svc/fn", 2);
    private final RecordingGateway[] subtasks = {new RecordingGateway(0), new RecordingGateway(1)};

    @AfterEach
    void close() {
        coordinator.close();
    }

    private void start() {
        coordinator.start();
        coordinator.executionAttemptReady(0, 0, subtasks[0]);
        coordinator.executionAttemptReady(1, 0, subtasks[1]);
    }

    @Test
    void aReportedShardIsBroadcastToEverySubtaskWithTheCheckpointAfterWhichItIsKept() throws Exception {
        start();
        coordinator.checkpointCoordinator(4, new CompletableFuture<>());
        coordinator.handleEventFromOperator(1, 0, new ShardDeliveredEvent("0"));

        for (RecordingGateway g : subtasks) {
            assertThat(g.events).containsExactly(new DeliveredShardsEvent(Set.of("0"), 4));
        }
    }

    @Test
    void theDeliveredSetSurvivesACheckpointAndIsToldToASubtaskWhenItIsReadyAgain() throws Exception {
        start();
        coordinator.handleEventFromOperator(0, 0, new ShardDeliveredEvent("0"));
        coordinator.handleEventFromOperator(0, 0, new ShardDeliveredEvent("1"));
        CompletableFuture<byte[]> checkpoint = new CompletableFuture<>();
        coordinator.checkpointCoordinator(9, checkpoint);

        DeliveryCoordinator restored = new DeliveryCoordinator("FC svc/fn", 2);
        restored.resetToCheckpoint(9, checkpoint.get());
        restored.start();
        RecordingGateway fresh = new RecordingGateway(1);
        restored.executionAttemptReady(1, 1, fresh);

        assertThat(restored.deliveredShards()).containsExactly("0", "1");
        assertThat(fresh.events).containsExactly(new DeliveredShardsEvent(Set.of("0", "1"), 9));
        restored.close();
    }

    @Test
    void aRestoreFromNothingKnowsNoDeliveredShard() throws Exception {
        coordinator.resetToCheckpoint(OperatorCoordinator.NO_CHECKPOINT, null);
        start();
        assertThat(coordinator.deliveredShards()).isEmpty();
        assertThat(subtasks[0].events).isEmpty();
    }

    @Test
    void aStatusRequestCollectsEverySubtasksShardsAndListsFinishedShardsNoSubtaskHolds() throws Exception {
        start();
        coordinator.handleEventFromOperator(0, 0, new ShardDeliveredEvent("0"));
        CompletableFuture<CoordinationResponse> answer =
                coordinator.handleCoordinationRequest(new ShardStatusRequest());
        long id = ((StatusQueryEvent) subtasks[0].last()).requestId();
        assertThat(answer).isNotDone();
        coordinator.handleEventFromOperator(
                0, 0, new StatusReportEvent(id, List.of(status("10", 0, ShardState.SUSPENDED))));
        assertThat(answer).as("subtask 1 has not answered").isNotDone();
        coordinator.handleEventFromOperator(
                1, 0, new StatusReportEvent(id, List.of(status("2", 1, ShardState.RUNNING))));

        ShardStatusResponse response = (ShardStatusResponse) answer.get(5, TimeUnit.SECONDS);
        assertThat(response.shards()).extracting(ShardStatus::shardId).containsExactly("0", "2", "10");
        assertThat(response.shards())
                .extracting(ShardStatus::state)
                .containsExactly(ShardState.FINISHED, ShardState.RUNNING, ShardState.SUSPENDED);
        assertThat(response.subtasksNotAnswering()).isEmpty();
    }

    @Test
    void aSubtaskThatFailsIsNotWaitedForAndIsNamed() throws Exception {
        start();
        CompletableFuture<CoordinationResponse> answer =
                coordinator.handleCoordinationRequest(new ShardStatusRequest());
        long id = ((StatusQueryEvent) subtasks[0].last()).requestId();
        coordinator.handleEventFromOperator(
                0, 0, new StatusReportEvent(id, List.of(status("1", 0, ShardState.RUNNING))));
        coordinator.executionAttemptFailed(1, 0, new RuntimeException("TaskManager lost"));

        ShardStatusResponse response = (ShardStatusResponse) answer.get(5, TimeUnit.SECONDS);
        assertThat(response.shards()).extracting(ShardStatus::shardId).containsExactly("1");
    }

    @Test
    void aResumeSaysWhichShardsResumedAndWhichWereNotSuspended() throws Exception {
        start();
        CompletableFuture<CoordinationResponse> answer =
                coordinator.handleCoordinationRequest(ResumeRequest.shard("3"));
        ResumeCommandEvent command = (ResumeCommandEvent) subtasks[1].last();
        assertThat(command.shardId()).isEqualTo("3");
        coordinator.handleEventFromOperator(0, 0, new ResumeReportEvent(command.requestId(), List.of(), Map.of()));
        coordinator.handleEventFromOperator(
                1, 0, new ResumeReportEvent(command.requestId(), List.of(), Map.of("3", ShardState.RUNNING)));

        ResumeResponse response = (ResumeResponse) answer.get(5, TimeUnit.SECONDS);
        assertThat(response.resumed()).isEmpty();
        assertThat(response.summary()).isEqualTo("shard 3 is running, not suspended: nothing changed");

        CompletableFuture<CoordinationResponse> unknown =
                coordinator.handleCoordinationRequest(ResumeRequest.shard("77"));
        long id = ((ResumeCommandEvent) subtasks[0].last()).requestId();
        coordinator.handleEventFromOperator(0, 0, new ResumeReportEvent(id, List.of(), Map.of()));
        coordinator.handleEventFromOperator(1, 0, new ResumeReportEvent(id, List.of(), Map.of()));
        assertThat(((ResumeResponse) unknown.get(5, TimeUnit.SECONDS)).summary())
                .isEqualTo("no subtask holds shard 77");
    }

    @Test
    void aFinishingSubtaskGetsTheAcknowledgementAsItsLastEventAndIsSentNothingAfterIt() throws Exception {
        FinishingGateway finishing = new FinishingGateway(0);
        coordinator.start();
        coordinator.executionAttemptReady(0, 0, finishing);
        coordinator.executionAttemptReady(1, 0, subtasks[1]);

        coordinator.handleEventFromOperator(0, 0, new SubtaskFinishingEvent());
        assertThat(finishing.events).containsExactly(new FinishingAcknowledgedEvent());
        finishing.taskFinished(); // the task ends; the JobManager hears of it a little later

        coordinator.handleEventFromOperator(1, 0, new ShardDeliveredEvent("3"));
        CompletableFuture<CoordinationResponse> answer =
                coordinator.handleCoordinationRequest(new ShardStatusRequest());
        long id = ((StatusQueryEvent) subtasks[1].last()).requestId();
        coordinator.handleEventFromOperator(
                1, 0, new StatusReportEvent(id, List.of(status("3", 1, ShardState.RUNNING))));

        assertThat(finishing.failoverReasons)
                .as("events sent to the finished task")
                .isEmpty();
        assertThat(finishing.events).containsExactly(new FinishingAcknowledgedEvent());
        assertThat(subtasks[1].events)
                .as("the running subtask still learns everything")
                .startsWith(new DeliveredShardsEvent(Set.of("3"), -1));
        ShardStatusResponse response = (ShardStatusResponse) answer.get(5, TimeUnit.SECONDS);
        assertThat(response.subtasksNotAnswering())
                .as("the finished subtask is not waited for")
                .isEmpty();
    }

    @Test
    void aFinishingReportOfAnEarlierAttemptDoesNotSilenceTheRunningOne() throws Exception {
        start();
        coordinator.executionAttemptFailed(0, 0, new RuntimeException("TaskManager lost"));
        RecordingGateway second = new RecordingGateway(0, 1);
        coordinator.executionAttemptReady(0, 1, second);
        coordinator.handleEventFromOperator(0, 0, new SubtaskFinishingEvent()); // late, from attempt 0

        coordinator.handleEventFromOperator(1, 0, new ShardDeliveredEvent("2"));
        assertThat(second.events).containsExactly(new DeliveredShardsEvent(Set.of("2"), -1));
    }

    @Test
    void aGatewayThatRefusesAtOnceDoesNotFailTheCoordinator() throws Exception {
        RecordingGateway refusing = new RecordingGateway(0) {
            @Override
            public CompletableFuture<Acknowledge> sendEvent(OperatorEvent event) {
                throw new IllegalStateException("SubtaskGateway is not ready, task not yet running.");
            }
        };
        coordinator.start();
        coordinator.executionAttemptReady(0, 0, refusing);
        coordinator.executionAttemptReady(1, 0, subtasks[1]);
        coordinator.handleEventFromOperator(1, 0, new ShardDeliveredEvent("5"));
        assertThat(subtasks[1].events).containsExactly(new DeliveredShardsEvent(Set.of("5"), -1));
    }

    @Test
    void withPacingEachSubtaskIsSentItsShareByTheShardsItHasToSend() {
        DeliveryCoordinator paced = new DeliveryCoordinator("FC svc/fn", 2, 400);
        paced.start();
        paced.executionAttemptReady(0, 0, subtasks[0]);
        paced.executionAttemptReady(1, 0, subtasks[1]);
        assertThat(subtasks[0].events)
                .as("the even share is taken without being told")
                .isEmpty();

        paced.handleEventFromOperator(0, 0, new LanesToPaceEvent(3));
        assertThat(subtasks[0].events).containsExactly(new PaceShareEvent(200));
        paced.handleEventFromOperator(1, 0, new LanesToPaceEvent(1));
        assertThat(subtasks[0].last()).isEqualTo(new PaceShareEvent(300));
        assertThat(subtasks[1].events).containsExactly(new PaceShareEvent(100));

        paced.handleEventFromOperator(1, 0, new LanesToPaceEvent(0));
        assertThat(subtasks[0].last())
                .as("a subtask with nothing to send leaves the rate to the others")
                .isEqualTo(new PaceShareEvent(400));
        assertThat(((PaceShareEvent) subtasks[1].last()).recordsPerSecond())
                .as("the probe")
                .isEqualTo(200 * RateShares.PROBE);

        paced.executionAttemptFailed(0, 0, new RuntimeException("TaskManager lost"));
        assertThat(paced.paceShares())
                .as("a failed subtask counts at the even share until its next attempt reports")
                .containsExactly(200, 200);
        assertThat(subtasks[1].last()).isEqualTo(new PaceShareEvent(200));
        paced.close();
    }

    @Test
    void withPacingAFinishedSubtasksShareGoesToTheOthersWithoutAnEventToIt() {
        DeliveryCoordinator paced = new DeliveryCoordinator("FC svc/fn", 2, 400);
        FinishingGateway finishing = new FinishingGateway(1);
        paced.start();
        paced.executionAttemptReady(0, 0, subtasks[0]);
        paced.executionAttemptReady(1, 0, finishing);
        paced.handleEventFromOperator(0, 0, new LanesToPaceEvent(1));
        paced.handleEventFromOperator(1, 0, new LanesToPaceEvent(1));
        paced.handleEventFromOperator(1, 0, new SubtaskFinishingEvent());
        finishing.taskFinished();
        paced.handleEventFromOperator(0, 0, new LanesToPaceEvent(2));

        assertThat(subtasks[0].last()).isEqualTo(new PaceShareEvent(400));
        assertThat(finishing.failoverReasons).isEmpty();
        assertThat(finishing.events).endsWith(new FinishingAcknowledgedEvent());
        paced.close();
    }

    private static ShardStatus status(String shard, int subtask, ShardState state) {
        return new ShardStatus(shard, subtask, state, 5, 4, 0, 0, null, null, -1, List.of(), 1L);
    }

    /** A subtask's gateway that keeps what it was sent. */
    private static class RecordingGateway implements OperatorCoordinator.SubtaskGateway {
        final List<OperatorEvent> events = new ArrayList<>();
        private final int subtask;
        private final ExecutionAttemptID execution;

        RecordingGateway(int subtask) {
            this(subtask, 0);
        }

        RecordingGateway(int subtask, int attempt) {
            this.subtask = subtask;
            this.execution = new ExecutionAttemptID(
                    new ExecutionGraphID(), new ExecutionVertexID(new JobVertexID(), subtask), attempt);
        }

        OperatorEvent last() {
            return events.get(events.size() - 1);
        }

        @Override
        public CompletableFuture<Acknowledge> sendEvent(OperatorEvent event) {
            events.add(event);
            return CompletableFuture.completedFuture(Acknowledge.get());
        }

        @Override
        public ExecutionAttemptID getExecution() {
            return execution;
        }

        @Override
        public int getSubtask() {
            return subtask;
        }
    }

    /**
     * A subtask's gateway as Flink's behaves when the task finishes on its TaskManager before the
     * JobManager knows: the TaskManager refuses the event, and since the JobManager still sees the
     * task running it takes the lost event for a failure and triggers a failover.
     */
    private static final class FinishingGateway extends RecordingGateway {
        final List<Throwable> failoverReasons = new ArrayList<>();
        private boolean finished;

        FinishingGateway(int subtask) {
            super(subtask);
        }

        void taskFinished() {
            finished = true;
        }

        @Override
        public CompletableFuture<Acknowledge> sendEvent(OperatorEvent event) {
            if (!finished) return super.sendEvent(event);
            Exception refused = new IllegalStateException("Task is not running, but in state FINISHED");
            failoverReasons.add(new IllegalStateException(
                    "An OperatorEvent from an OperatorCoordinator to a task was lost: " + event, refused));
            return CompletableFuture.failedFuture(refused);
        }
    }
}
