package io.datahubfcsync.fc;

import java.util.concurrent.TimeUnit;
import okio.AsyncTimeout;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * Keeps Okio's timeout thread asleep during HTTP calls, while every timeout still fires as before.
 *
 * <p>OkHttp 3 (under the FC 3.0 SDK's Tea runtime, and the DataHub SDK) times each socket write and
 * read with an Okio {@link AsyncTimeout}: one JVM-wide "Okio Watchdog" thread waits for the earliest
 * deadline of a sorted queue, and inserting a timeout at the front of that queue wakes it. With one
 * call at a time on a connection the queue is empty between writes and reads, so every write and
 * every read lands at the front: the thread wakes about twice per invocation only to go back to
 * sleep (measured against the local FC emulator: 1.8 wake-ups and 36 µs of that thread's CPU per
 * call, on top of the caller's own time).
 *
 * <p>While someone holds it, a sentinel timeout stays at the front of the queue: it expires every
 * {@link #PERIOD_MILLIS} ms and re-arms itself, doing nothing else. A timeout at least that long
 * (OkHttp's 10 s write timeout, {@code fc.read-timeout} of 1 s or more) is then inserted behind it
 * and wakes no one; the watchdog still wakes for it when it is due, so it fires exactly as without
 * the sentinel. Shorter timeouts wake the watchdog as before. The last holder's release removes
 * the sentinel, so the watchdog thread ends after Okio's idle minute as it did before and holds
 * no class loader of a finished job.
 */
final class OkioWatchdogSentinel {
    /** How often the sentinel expires: one wake-up per this period instead of two per call. */
    static final long PERIOD_MILLIS = 1_000;

    private static final Object LOCK = new Object();
    private static int holders; // guarded by LOCK
    private static Sentinel sentinel; // guarded by LOCK

    private OkioWatchdogSentinel() {}

    /** Puts the sentinel in place for one more holder; each call needs one {@link #release()}. */
    static void acquire() {
        synchronized (LOCK) {
            if (holders++ == 0) {
                sentinel = new Sentinel();
                sentinel.arm();
            }
        }
    }

    /** One holder fewer; the last one takes the sentinel out of Okio's queue. */
    static void release() {
        synchronized (LOCK) {
            if (holders == 0) return;
            if (--holders == 0) {
                sentinel.disarm();
                sentinel = null;
            }
        }
    }

    /** True while the sentinel is in place. */
    @VisibleForTesting
    static boolean active() {
        synchronized (LOCK) {
            return sentinel != null;
        }
    }

    /** How many hold it now. */
    @VisibleForTesting
    static int holders() {
        synchronized (LOCK) {
            return holders;
        }
    }

    /** How often the sentinel has re-armed itself, -1 when none is in place. */
    @VisibleForTesting
    static long rearms() {
        synchronized (LOCK) {
            return sentinel == null ? -1 : sentinel.rearms;
        }
    }

    private static final class Sentinel extends AsyncTimeout {
        private boolean armed; // guarded by LOCK
        private long rearms; // guarded by LOCK

        Sentinel() {
            timeout(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        void arm() {
            armed = true;
            enter();
        }

        void disarm() {
            armed = false;
            exit();
        }

        /** Runs on the watchdog thread, which dies if this throws: then no Okio timeout would fire again. */
        @Override
        protected void timedOut() {
            synchronized (LOCK) {
                if (!armed) return;
                try {
                    exit(); // the watchdog has taken it off the queue; this balances its own enter()
                    enter();
                    rearms++;
                } catch (RuntimeException e) {
                    armed = false; // leave the queue to Okio as it is without a sentinel
                }
            }
        }
    }
}
