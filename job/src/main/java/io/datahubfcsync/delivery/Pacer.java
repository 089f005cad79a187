package io.datahubfcsync.delivery;

import java.util.Iterator;
import java.util.LinkedHashSet;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingConsumer;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * {@code delivery.max-records-per-second} for one subtask: a token bucket that the subtask's lanes
 * share, at the subtask's share of the setting ({@link #setRate}: the delivery coordinator divides
 * the setting over the subtasks by how many of their shards have records to send). A lane may start
 * a batch while the bucket is not in debt; the batch then takes as many tokens as it holds records
 * (the bucket may go below zero, so a batch is never split for pacing and the long-run rate is
 * exact). Lanes that find the bucket in debt queue up in arrival order and are
 * let in one by one, first come first served, so no lane starves however busy the others are. The
 * task thread never waits: the queue's head gets a processing-time timer for the moment the debt is
 * paid off, which runs on the mailbox like every other timer.
 *
 * <p>A throttled function (429) means the rate is still too high for it: the subtask's rate halves
 * (at most once per {@link #DECREASE_SPACING_MS}, since the batches out at the time were all sent
 * at the old rate) and then grows back by a tenth of the configured rate per second while FC
 * accepts the calls, the way a congestion window does. A new share keeps that state: a rate at half
 * of the old share is at half of the new one.
 */
final class Pacer {
    /** When the lanes' clock is and how to run something later on the task thread. */
    interface Clock {
        long now();

        void at(long dueMs, ThrowingRunnable<Exception> action);

        /** The operator's processing-time timers, which fire on the task thread. */
        static Clock of(ProcessingTimeService time) {
            return new Clock() {
                @Override
                public long now() {
                    return time.getCurrentProcessingTime();
                }

                @Override
                public void at(long dueMs, ThrowingRunnable<Exception> action) {
                    time.registerTimer(dueMs, firedAt -> action.run());
                }
            };
        }
    }

    static final double DECREASE_FACTOR = 0.5;
    static final long DECREASE_SPACING_MS = 1000;
    /** Share of the configured rate regained per second without throttling. */
    static final double RECOVERY_PER_SECOND = 0.1;
    /** The rate never falls below this share of the configured one, so a throttled function is still probed. */
    static final double FLOOR = 0.01;
    /** Tokens saved up while idle: this many milliseconds at the current rate (at least one record). */
    static final long BURST_MS = 100;

    private double configuredPerMs;
    private final Clock clock;
    private final ThrowingConsumer<DeliveryLane, Exception> start;
    /** Lanes that wait for tokens, in arrival order. */
    private final LinkedHashSet<DeliveryLane> waiting = new LinkedHashSet<>();
    /** Read by the rate gauge on the reporter thread. */
    private volatile double currentPerMs;

    private double tokens;
    private long refilledAt;
    private long lastDecreaseAt = Long.MIN_VALUE / 2;
    private long timerToken;
    private boolean headAsked;

    /**
     * @param recordsPerSecond this subtask's share of {@code delivery.max-records-per-second}
     * @param start asks a lane to start its next batch (the operator's {@code tryStart}), which calls {@link #admit}
     */
    Pacer(double recordsPerSecond, Clock clock, ThrowingConsumer<DeliveryLane, Exception> start) {
        if (!(recordsPerSecond > 0))
            throw new IllegalArgumentException("the rate must be positive, got " + recordsPerSecond);
        this.configuredPerMs = recordsPerSecond / 1000.0;
        this.currentPerMs = configuredPerMs;
        this.clock = clock;
        this.start = start;
        this.refilledAt = clock.now();
    }

    /**
     * Whether the lane may start a batch now. If not, it waits in the queue (once) and is asked
     * again through {@code start} when its turn comes.
     */
    boolean admit(DeliveryLane lane) {
        long now = clock.now();
        refill(now);
        DeliveryLane head = head();
        if (head == lane) headAsked = true;
        if ((head == null || head == lane) && tokens >= 0) {
            waiting.remove(lane);
            if (!waiting.isEmpty()) armHeadTimer(now);
            return true;
        }
        boolean wasEmpty = waiting.isEmpty();
        waiting.add(lane);
        if (wasEmpty || head == lane) armHeadTimer(now);
        return false;
    }

    /** A batch of {@code records} was started by the lane that {@link #admit} let in. */
    void took(int records) {
        tokens -= records;
        if (!waiting.isEmpty()) armHeadTimer(clock.now());
    }

    /**
     * The subtask's share of the setting changed. A throttled rate stays throttled by the same
     * factor, savings above the new burst are dropped, and the queue's head is woken at the moment
     * the new rate pays its debt off.
     */
    void setRate(double recordsPerSecond) {
        if (!(recordsPerSecond > 0))
            throw new IllegalArgumentException("the rate must be positive, got " + recordsPerSecond);
        long now = clock.now();
        refill(now);
        double perMs = recordsPerSecond / 1000.0;
        if (perMs == configuredPerMs) return;
        currentPerMs = currentPerMs * (perMs / configuredPerMs);
        configuredPerMs = perMs;
        tokens = Math.min(tokens, burst());
        if (!waiting.isEmpty()) armHeadTimer(now);
    }

    /** The share of the setting this subtask was given, records per second (before any throttling). */
    double configuredRatePerSecond() {
        return configuredPerMs * 1000.0;
    }

    /** FC throttled a call: the rate goes down (see the class comment). */
    void throttled() {
        long now = clock.now();
        refill(now);
        if (now - lastDecreaseAt < DECREASE_SPACING_MS) return;
        lastDecreaseAt = now;
        currentPerMs = Math.max(configuredPerMs * FLOOR, currentPerMs * DECREASE_FACTOR);
        tokens = Math.min(tokens, burst());
    }

    /** The rate this subtask paces to now, records per second. */
    double currentRatePerSecond() {
        return currentPerMs * 1000.0;
    }

    /** Lanes waiting for tokens. */
    int waitingLanes() {
        return waiting.size();
    }

    /** The lane was dropped from the operator: it no longer waits. */
    void forget(DeliveryLane lane) {
        boolean wasHead = head() == lane;
        waiting.remove(lane);
        if (wasHead && !waiting.isEmpty()) armHeadTimer(clock.now());
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed <= 0) return;
        refilledAt = now;
        if (currentPerMs < configuredPerMs) {
            double regained = configuredPerMs * RECOVERY_PER_SECOND * elapsed / 1000.0;
            currentPerMs = Math.min(configuredPerMs, currentPerMs + regained);
        }
        tokens = Math.min(burst(), tokens + currentPerMs * elapsed);
    }

    private double burst() {
        return Math.max(1.0, currentPerMs * BURST_MS);
    }

    private DeliveryLane head() {
        Iterator<DeliveryLane> it = waiting.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** One timer for the queue's head, at the moment the debt is paid off; a newer one supersedes it. */
    private void armHeadTimer(long now) {
        refill(now);
        long token = ++timerToken;
        long wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / currentPerMs);
        clock.at(now + wait, () -> {
            if (token == timerToken) wake();
        });
    }

    private void wake() throws Exception {
        DeliveryLane head = head();
        if (head == null) return;
        headAsked = false;
        if (!head.removed) start.accept(head);
        if (!headAsked && head() == head) {
            // the lane did not get as far as asking: it cannot start for another reason (retrying,
            // drained, waiting for its parents), and whatever lets it move asks again
            forget(head);
        }
    }
}
