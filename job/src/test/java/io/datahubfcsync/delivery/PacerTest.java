package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.util.function.ThrowingRunnable;
import org.junit.jupiter.api.Test;

/** The subtask's token bucket, on a clock the test moves by hand. */
class PacerTest {
    private static final int BATCH = 10;

    /** Timers fire in due order when the test moves the clock, on the test's thread (as mails would). */
    private static final class ManualClock implements Pacer.Clock {
        private record Timer(long due, long order, ThrowingRunnable<Exception> action) {}

        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
        private long now;
        private long order;

        @Override
        public long now() {
            return now;
        }

        @Override
        public void at(long dueMs, ThrowingRunnable<Exception> action) {
            timers.add(new Timer(Math.max(dueMs, now), order++, action));
        }

        void runUntil(long until) throws Exception {
            while (!timers.isEmpty() && timers.peek().due <= until) {
                Timer t = timers.poll();
                now = t.due;
                t.action.run();
            }
            now = until;
        }
    }

    /** Lanes that always hold another full batch; each batch "answers" {@code callMs} after it started. */
    private static final class BusyLanes {
        final ManualClock clock = new ManualClock();
        final Map<DeliveryLane, Integer> started = new HashMap<>();
        final List<DeliveryLane> order = new ArrayList<>();
        final Pacer pacer;
        long callMs = 5;

        BusyLanes(double rate) {
            pacer = new Pacer(rate, clock, this::tryStart);
        }

        void tryStart(DeliveryLane lane) {
            if (!pacer.admit(lane)) return;
            pacer.took(BATCH);
            started.merge(lane, BATCH, Integer::sum);
            order.add(lane);
            clock.at(clock.now() + callMs, () -> tryStart(lane));
        }

        int total() {
            return started.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void busyLanesTogetherStartRecordsAtTheConfiguredRateAndShareItEvenly() throws Exception {
        BusyLanes s = new BusyLanes(200);
        List<DeliveryLane> lanes =
                List.of(new DeliveryLane("0"), new DeliveryLane("1"), new DeliveryLane("2"), new DeliveryLane("3"));
        lanes.forEach(s::tryStart);
        s.clock.runUntil(60_000);

        assertThat((double) s.total()).as("records started in 60 s at 200/s").isCloseTo(12_000, within(60.0));
        for (DeliveryLane lane : lanes) {
            assertThat((double) s.started.get(lane))
                    .as("shard %s's share", lane.shardId)
                    .isCloseTo(3_000, within(30.0));
        }
    }

    @Test
    void aLaneThatWaitsForTokensIsNeverOvertakenByLanesThatKeepAsking() throws Exception {
        BusyLanes s = new BusyLanes(100);
        s.callMs = 0; // the busy lane asks again at once, as often as it can
        DeliveryLane busy = new DeliveryLane("busy");
        DeliveryLane late = new DeliveryLane("late");
        s.tryStart(busy);
        s.clock.runUntil(50);
        s.tryStart(late);
        s.clock.runUntil(1_000);

        int busyBefore = s.order.indexOf(late);
        assertThat(busyBefore).as("the late lane got in").isPositive();
        assertThat(s.order.subList(busyBefore, s.order.size()))
                .as("after the late lane queued, the two take turns")
                .isNotEmpty()
                .satisfies(turns -> {
                    for (int i = 1; i < turns.size(); i++)
                        assertThat(turns.get(i)).isNotSameAs(turns.get(i - 1));
                });
    }

    @Test
    void throttlingHalvesTheRateAtMostOncePerSecondAndItGrowsBackByATenthPerSecond() throws Exception {
        ManualClock clock = new ManualClock();
        Pacer pacer = new Pacer(1_000, clock, lane -> {});
        pacer.throttled();
        pacer.throttled(); // the same wave of 429s
        assertThat(pacer.currentRatePerSecond()).isCloseTo(500, within(0.001));

        clock.runUntil(999);
        pacer.throttled();
        assertThat(pacer.currentRatePerSecond()).as("still within the second").isCloseTo(500 + 99.9, within(0.01));

        clock.runUntil(1_000);
        pacer.throttled();
        assertThat(pacer.currentRatePerSecond())
                .as("a second later it halves again")
                .isCloseTo(300, within(0.01));

        clock.runUntil(4_000);
        pacer.admit(new DeliveryLane("0")); // the rate is brought up to date on use
        assertThat(pacer.currentRatePerSecond()).as("3 s at +100/s").isCloseTo(600, within(0.01));
        clock.runUntil(100_000);
        pacer.admit(new DeliveryLane("0"));
        assertThat(pacer.currentRatePerSecond()).as("never above the setting").isEqualTo(1_000);
    }

    @Test
    void aThrottledSubtaskStartsFewerRecordsThanItsShare() throws Exception {
        BusyLanes s = new BusyLanes(200);
        List<DeliveryLane> lanes = List.of(new DeliveryLane("0"), new DeliveryLane("1"));
        lanes.forEach(s::tryStart);
        for (long t = 0; t < 30_000; t += 1_000) {
            s.clock.runUntil(t);
            s.pacer.throttled();
        }
        s.clock.runUntil(30_000);
        assertThat(s.total())
                .as("records started in 30 s under steady throttling")
                .isLessThan(200 * 30 / 4);
        assertThat(s.pacer.currentRatePerSecond()).as("not below its floor").isGreaterThanOrEqualTo(200 * Pacer.FLOOR);
    }

    @Test
    void aQueuedLaneThatCannotStartLeavesTheQueueAndTheNextGetsItsTurn() throws Exception {
        ManualClock clock = new ManualClock();
        List<DeliveryLane> started = new ArrayList<>();
        DeliveryLane stuck = new DeliveryLane("stuck"); // e.g. it began waiting to retry: its tryStart never asks
        Pacer[] pacer = new Pacer[1];
        pacer[0] = new Pacer(10, clock, lane -> {
            if (lane == stuck) return;
            if (pacer[0].admit(lane)) {
                pacer[0].took(BATCH);
                started.add(lane);
            }
        });
        DeliveryLane first = new DeliveryLane("first");
        DeliveryLane next = new DeliveryLane("next");
        assertThat(pacer[0].admit(first)).isTrue();
        pacer[0].took(BATCH); // one second of debt
        assertThat(pacer[0].admit(stuck)).isFalse();
        assertThat(pacer[0].admit(next)).isFalse();
        assertThat(pacer[0].waitingLanes()).isEqualTo(2);

        clock.runUntil(999);
        assertThat(started).as("still in debt").isEmpty();
        clock.runUntil(1_000);
        assertThat(started).containsExactly(next);
        assertThat(pacer[0].waitingLanes()).isZero();
    }

    @Test
    void aNewShareChangesTheRateBusyLanesStartAtFromThatMomentOn() throws Exception {
        BusyLanes s = new BusyLanes(100);
        List<DeliveryLane> lanes = List.of(new DeliveryLane("0"), new DeliveryLane("1"));
        lanes.forEach(s::tryStart);
        s.clock.runUntil(20_000);
        int atTheOldShare = s.total();
        s.pacer.setRate(300);
        s.clock.runUntil(40_000);
        int atTheNewShare = s.total() - atTheOldShare;

        assertThat((double) atTheOldShare).as("20 s at 100/s").isCloseTo(2_000, within(20.0));
        assertThat((double) atTheNewShare).as("20 s at 300/s").isCloseTo(6_000, within(30.0));
        assertThat(s.pacer.configuredRatePerSecond()).isEqualTo(300);
    }

    @Test
    void aLaneInDebtAtALowShareIsLetInWhenAHigherShareHasPaidTheDebtOff() throws Exception {
        ManualClock clock = new ManualClock();
        List<Long> startedAt = new ArrayList<>();
        Pacer[] pacer = new Pacer[1];
        pacer[0] = new Pacer(1, clock, lane -> {
            if (pacer[0].admit(lane)) startedAt.add(clock.now());
        });
        DeliveryLane lane = new DeliveryLane("0");
        assertThat(pacer[0].admit(lane)).isTrue();
        pacer[0].took(BATCH); // ten seconds of debt at a probe share of 1/s
        assertThat(pacer[0].admit(lane)).isFalse();

        clock.runUntil(100);
        pacer[0].setRate(100); // 9.9 records of debt left: 99 ms at the new share
        clock.runUntil(198);
        assertThat(startedAt).as("still in debt").isEmpty();
        clock.runUntil(199);
        assertThat(startedAt).containsExactly(199L);
    }

    @Test
    void aThrottledRateStaysThrottledByTheSameFactorUnderANewShareAndGrowsBackToIt() throws Exception {
        ManualClock clock = new ManualClock();
        Pacer pacer = new Pacer(1_000, clock, lane -> {});
        pacer.throttled();
        assertThat(pacer.currentRatePerSecond()).isCloseTo(500, within(0.001));
        pacer.setRate(200);
        assertThat(pacer.currentRatePerSecond()).as("half of the new share").isCloseTo(100, within(0.001));

        clock.runUntil(2_000);
        pacer.admit(new DeliveryLane("0"));
        assertThat(pacer.currentRatePerSecond())
                .as("2 s at a tenth of the new share per second")
                .isCloseTo(140, within(0.01));
        clock.runUntil(60_000);
        pacer.admit(new DeliveryLane("0"));
        assertThat(pacer.currentRatePerSecond()).as("never above the new share").isEqualTo(200);
    }

    @Test
    void aShareMustBePositive() {
        Pacer pacer = new Pacer(10, new ManualClock(), lane -> {});
        assertThatThrownBy(() -> pacer.setRate(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
