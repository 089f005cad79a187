package io.datahubfcsync.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline instead of sleeping for a guessed time. The pause between checks is the
 * polling interval only; a test never waits longer than the condition needs, and a condition that never holds fails
 * with the description of what was awaited and the last value or error seen.
 */
public final class Poll {

    private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private Poll() {}

    /** Waits until {@code condition} is true. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Waits until {@code probe} yields a value and returns it. Exceptions from the probe count as "not yet" (a server
     * that is still starting refuses connections); the last one is attached to the timeout error.
     */
    public static <T> T until(String what, Duration timeout, Callable<Optional<T>> probe) {
        return until(what, timeout, DEFAULT_INTERVAL, probe);
    }

    public static <T> T until(String what, Duration timeout, Duration interval, Callable<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        while (true) {
            try {
                Optional<T> value = probe.call();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for " + what
                        + (lastError == null ? "" : " (last error: " + lastError + ")"));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
