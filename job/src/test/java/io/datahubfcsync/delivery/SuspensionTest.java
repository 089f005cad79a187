package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/**
 * A suspended shard on its own: when it is probed, how a resume gives it a fresh budget, and why a
 * bounded run cannot end while one is suspended.
 */
class SuspensionTest {
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final List<String> actions = new ArrayList<>();
    private final LaneActions recorder = new LaneActions() {
        @Override
        public void batchDone(DeliveryLane lane) {
            actions.add("done " + lane.shardId);
        }

        @Override
        public void invoke(DeliveryLane lane) {
            actions.add("invoke " + lane.shardId);
        }

        @Override
        public void cutAgain(DeliveryLane lane) {
            actions.add("cut again " + lane.shardId);
        }
    };

    private Suspension suspension(Duration probeInterval) {
        DeliveryConfig config = FcTestBed.config()
                .retryMaxAttempts(3)
                .suspendProbeInterval(probeInterval)
                .build();
        return new Suspension(config, new LaneTimers(time), new SavepointDrain(null), recorder);
    }

    /** A lane whose batch of two records used up its three attempts. */
    private static DeliveryLane exhaustedLane(String shardId) throws Exception {
        DeliveryLane lane = new DeliveryLane(shardId);
        for (long s = 4; s < 6; s++) {
            lane.add(ShardRecord.blob(shardId, s, 1_000 + s, ("r" + s).getBytes(StandardCharsets.UTF_8)), 0);
        }
        lane.batchStarted(new EventEncoder("proj", "topic", "cn-hangzhou", BlobEncoding.UTF8)
                .encode(lane.pending, 2, Long.MAX_VALUE));
        for (int i = 0; i < 3; i++) lane.attemptFailed("HTTP 500", "req-" + i);
        return lane;
    }

    @Test
    void aSuspendedShardIsProbedOnceEveryProbeIntervalAndOnlyWhileSuspended() throws Exception {
        Suspension suspension = suspension(Duration.ofSeconds(30));
        DeliveryLane lane = exhaustedLane("2");
        suspension.suspend(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.SUSPENDED);

        time.advance(29_999);
        assertThat(actions).isEmpty();
        time.advance(1);
        assertThat(actions).containsExactly("invoke 2");

        suspension.suspend(lane); // the probe failed: suspended again, probed again later
        lane.phase = DeliveryLane.Phase.IDLE; // and meanwhile resumed some other way
        time.advance(30_000);
        assertThat(actions)
                .as("no probe of a shard that is no longer suspended")
                .containsExactly("invoke 2");
    }

    @Test
    void withProbeInterval0OrARecordThatCannotBeSentTheShardIsNeverProbed() throws Exception {
        DeliveryLane notProbed = exhaustedLane("1");
        suspension(Duration.ZERO).suspend(notProbed);
        DeliveryLane undeliverable = exhaustedLane("3");
        undeliverable.undeliverable = true;
        suspension(Duration.ofSeconds(1)).suspend(undeliverable);

        time.advance(60_000);
        assertThat(actions).isEmpty();
        assertThat(time.getNumActiveTimers()).isZero();
    }

    @Test
    void aResumeTriesTheBatchAtOnceWithAFreshBudgetAndCancelsThePendingProbe() throws Exception {
        Suspension suspension = suspension(Duration.ofSeconds(30));
        DeliveryLane lane = exhaustedLane("2");
        suspension.suspend(lane);

        assertThat(suspension.resume(lane)).isTrue();
        assertThat(actions).containsExactly("invoke 2");
        assertThat(lane.failedAttempts).isZero();
        lane.phase = DeliveryLane.Phase.SUSPENDED; // the resumed attempt failed at once and the shard waits again
        time.advance(30_000);
        assertThat(actions)
                .as("the probe armed before the resume no longer fires")
                .containsExactly("invoke 2");
    }

    @Test
    void aResumedShardWhoseRecordCannotBeSentIsCutAgainFromItsRecords() throws Exception {
        Suspension suspension = suspension(Duration.ZERO);
        DeliveryLane lane = exhaustedLane("5");
        lane.undeliverable = true;
        suspension.suspend(lane);
        assertThat(suspension.resume(lane)).isTrue();
        assertThat(actions).containsExactly("cut again 5");
    }

    @Test
    void aShardThatIsNotSuspendedIsNotResumed() throws Exception {
        DeliveryLane lane = exhaustedLane("0");
        lane.retryIn(1_000);
        assertThat(suspension(Duration.ZERO).resume(lane)).isFalse();
        assertThat(actions).isEmpty();
        assertThat(lane.failedAttempts).isEqualTo(3);
    }

    @Test
    void aBoundedRunWithSuspendedShardsFailsForGoodNamingEachShardItsFirstSequenceAndLastError() throws Exception {
        Suspension suspension = suspension(Duration.ZERO);
        DeliveryLane running = new DeliveryLane("0");
        suspension.failIfAnySuspended(List.of(running));

        DeliveryLane three = exhaustedLane("3");
        DeliveryLane one = exhaustedLane("1");
        suspension.suspend(three);
        suspension.suspend(one);
        assertThatThrownBy(() -> suspension.failIfAnySuspended(List.of(three, running, one)))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .isInstanceOf(ShardExhaustedException.class)
                .hasMessageContaining("2 suspended shard(s) were not delivered")
                .hasMessageContaining(
                        "shard 1 from sequence 4 (2 records; last error: HTTP 500), shard 3 from sequence 4");
    }
}
