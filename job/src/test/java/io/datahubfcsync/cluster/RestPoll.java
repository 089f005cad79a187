package io.datahubfcsync.cluster;

import io.datahubfcsync.testing.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * {@link Await} at a pace fit for a cluster's REST API: every probe is an HTTP round trip to the JobManager, whose
 * metric store refreshes once a second anyway.
 */
public final class RestPoll {

    private static final Duration INTERVAL = Duration.ofMillis(250);

    private RestPoll() {}

    /** Waits until {@code probe} yields a value and returns it; an {@link Error} from the probe ends the wait at once. */
    public static <T> T until(String what, Duration timeout, Callable<Optional<T>> probe) {
        return Await.value(what, timeout, INTERVAL, probe, Optional::isPresent).orElseThrow();
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        Await.value(what, timeout, INTERVAL, condition::getAsBoolean, Boolean::booleanValue);
    }
}
