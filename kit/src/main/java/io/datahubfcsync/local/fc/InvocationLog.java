package io.datahubfcsync.local.fc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every invocation the emulator answered, in order of completion, for tests and the local runner
 * to read and wait on. Keeps the newest {@code capacity} records (payloads can be megabytes);
 * counters cover all of them. Also tracks how many invocations run at the same time, so tests can
 * measure overlap instead of assuming it.
 */
public final class InvocationLog {
    private final int capacity;
    private final Deque<InvocationRecord> records = new ArrayDeque<>();
    private final Map<InvocationRecord.Outcome, Long> counts = new EnumMap<>(InvocationRecord.Outcome.class);
    private long total;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    InvocationLog(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
    }

    synchronized long nextIndex() {
        return total;
    }

    synchronized void add(InvocationRecord record) {
        if (records.size() == capacity) records.removeFirst();
        records.addLast(record);
        counts.merge(record.outcome(), 1L, Long::sum);
        total++;
        notifyAll();
    }

    void enter() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** Snapshot of the retained records, oldest first. */
    public synchronized List<InvocationRecord> all() {
        return new ArrayList<>(records);
    }

    /** Retained records of one function, oldest first. */
    public synchronized List<InvocationRecord> of(String service, String function) {
        List<InvocationRecord> out = new ArrayList<>();
        for (InvocationRecord r : records) {
            if (java.util.Objects.equals(r.service(), service) && r.function().equals(function)) out.add(r);
        }
        return out;
    }

    /** Invocations answered since start (or {@link #clear()}), including ones no longer retained. */
    public synchronized long total() {
        return total;
    }

    public synchronized long count(InvocationRecord.Outcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** Invocations being handled right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most invocations that were handled at the same time since start or {@link #resetMaxInFlight()}. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public void resetMaxInFlight() {
        maxInFlight.set(inFlight.get());
    }

    public synchronized void clear() {
        records.clear();
        counts.clear();
        total = 0;
    }

    /**
     * Blocks until the retained records satisfy {@code condition}, and returns them.
     *
     * @throws TimeoutException naming {@code what} and the record count if it does not happen in time
     */
    public synchronized List<InvocationRecord> await(
            String what, Duration timeout, Predicate<List<InvocationRecord>> condition)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<InvocationRecord> snapshot = new ArrayList<>(records);
            if (condition.test(snapshot)) return snapshot;
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new TimeoutException("Timed out after " + timeout.toMillis() + " ms waiting for " + what + "; "
                        + total + " invocations so far");
            }
            wait(leftMs);
        }
    }

    /** Blocks until at least {@code n} invocations were answered; returns the retained records. */
    public List<InvocationRecord> awaitTotal(long n, Duration timeout) throws TimeoutException, InterruptedException {
        return await(n + " invocations", timeout, l -> total >= n);
    }
}
