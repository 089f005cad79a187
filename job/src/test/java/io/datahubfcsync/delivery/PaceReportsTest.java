package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.coordination.LanesToPaceEvent;
import io.datahubfcsync.event.ShardRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.runtime.operators.coordination.MockOperatorEventGateway;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/** What a subtask tells the coordinator about its shards with records to send, on a clock the test moves. */
class PaceReportsTest {
    private final MockOperatorEventGateway coordinator = new MockOperatorEventGateway();
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final AtomicInteger sending = new AtomicInteger();
    private final AtomicBoolean savepoint = new AtomicBoolean();
    private final PaceReports reports = new PaceReports(coordinator, sending::get, savepoint::get);

    @Test
    void aChangedCountIsSentOnTheNextTickAndAnUnchangedOneIsNot() throws Exception {
        reports.start(time);
        sending.set(3);
        time.advance(PaceReports.INTERVAL_MS);
        time.advance(PaceReports.INTERVAL_MS);
        sending.set(5);
        time.advance(PaceReports.INTERVAL_MS - 1);
        assertThat(coordinator.getEventsSent()).as("before the tick").containsExactly(new LanesToPaceEvent(3));
        time.advance(1);
        assertThat(coordinator.getEventsSent()).containsExactly(new LanesToPaceEvent(3), new LanesToPaceEvent(5));
    }

    @Test
    void aSubtaskThatReportedNoneReportsAtOnceWhenALaneHasRecordsToSend() throws Exception {
        reports.start(time);
        time.advance(PaceReports.INTERVAL_MS);
        assertThat(coordinator.getEventsSent()).containsExactly(new LanesToPaceEvent(0));

        DeliveryLane lane = new DeliveryLane("0");
        reports.laneChanged(lane);
        assertThat(coordinator.getEventsSent())
                .as("an empty lane has nothing to send")
                .hasSize(1);
        lane.pending.add(ShardRecord.tuple("0", 0, 1000, new String[] {"v"}));
        sending.set(1);
        reports.laneChanged(lane);
        assertThat(coordinator.getEventsSent()).last().isEqualTo(new LanesToPaceEvent(1));
    }

    @Test
    void aDropToNoneIsSentOnlyOnceItLastedASecond() throws Exception {
        reports.start(time);
        sending.set(2);
        time.advance(PaceReports.INTERVAL_MS);
        sending.set(0);
        time.advance(PaceReports.INTERVAL_MS);
        sending.set(1); // a live record arrived meanwhile
        time.advance(PaceReports.INTERVAL_MS);
        sending.set(0);
        ticks(PaceReports.NONE_AFTER_MS / PaceReports.INTERVAL_MS);
        assertThat(coordinator.getEventsSent())
                .as("the short gap is not reported")
                .containsExactly(new LanesToPaceEvent(2), new LanesToPaceEvent(1));
        time.advance(PaceReports.INTERVAL_MS);
        assertThat(coordinator.getEventsSent()).last().isEqualTo(new LanesToPaceEvent(0));
    }

    @Test
    void nothingIsSentWhileASavepointHoldsNewWorkBackNorAfterTheSubtaskStopped() throws Exception {
        reports.start(time);
        savepoint.set(true);
        sending.set(4);
        ticks(3);
        assertThat(coordinator.getEventsSent()).isEmpty();
        savepoint.set(false);
        time.advance(PaceReports.INTERVAL_MS);
        assertThat(coordinator.getEventsSent()).containsExactly(new LanesToPaceEvent(4));

        reports.stop();
        sending.set(1);
        ticks(3);
        assertThat(coordinator.getEventsSent()).hasSize(1);
    }

    /** Moves the clock on by {@code n} report intervals, one at a time as the task's timers would fire. */
    private void ticks(long n) throws Exception {
        for (long i = 0; i < n; i++) time.advance(PaceReports.INTERVAL_MS);
    }
}
