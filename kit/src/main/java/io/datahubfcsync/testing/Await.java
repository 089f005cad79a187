package io.datahubfcsync.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline instead of sleeping "long enough". Polls every few
 * milliseconds; on timeout fails with the description and, when available, the last value seen,
 * so a failing test says what it was waiting for and how far it got.
 *
 * <pre>{@code
 * Await.until("3 invocations recorded", Duration.ofSeconds(10), () -> fc.invocations().size() >= 3);
 * List<Invocation> seen = Await.value("3 invocations recorded", Duration.ofSeconds(10),
 *         fc::invocations, l -> l.size() >= 3);
 * }</pre>
 */
public final class Await {
    private static final long POLL_INTERVAL_MS = 10;

    private Await() {}

    /** Polls {@code condition} until it is true; fails with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(what, timeout, (Callable<Boolean>) condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Polls {@code probe} until its value satisfies {@code accepted} and returns that value. A probe
     * that throws counts as "not yet"; the last exception is attached to the failure.
     */
    public static <T> T value(String what, Duration timeout, Callable<T> probe, Predicate<? super T> accepted) {
        return value(what, timeout, Duration.ofMillis(POLL_INTERVAL_MS), probe, accepted);
    }

    /** As {@link #value(String, Duration, Callable, Predicate)}, polling every {@code interval}: for probes that
     *  cost a remote call, such as a Flink cluster's REST API. */
    public static <T> T value(
            String what, Duration timeout, Duration interval, Callable<T> probe, Predicate<? super T> accepted) {
        Objects.requireNonNull(what, "what");
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        boolean sawValue = false;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                sawValue = true;
                lastError = null;
                if (accepted.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                String detail = lastError != null
                        ? "; last attempt threw " + lastError
                        : sawValue ? "; last value: " + last : "";
                AssertionError failure = new AssertionError(
                        "Timed out after " + timeout.toMillis() + " ms waiting for: " + what + detail);
                if (lastError != null) failure.initCause(lastError);
                throw failure;
            }
            try {
                Thread.sleep(interval.toMillis()); // poll pacing, not a wait-for-effect
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
    }
}
