package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okio.AsyncTimeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkioWatchdogSentinelTest {
    private int held;

    @AfterEach
    void releaseWhatTheTestHeld() {
        while (held-- > 0) OkioWatchdogSentinel.release();
    }

    private void acquire() {
        OkioWatchdogSentinel.acquire();
        held++;
    }

    /** Okio timeout that notes when the watchdog fired it. */
    private static final class Recorded extends AsyncTimeout {
        final CountDownLatch fired = new CountDownLatch(1);
        volatile long firedAtNanos;

        Recorded(long millis) {
            timeout(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void timedOut() {
            firedAtNanos = System.nanoTime();
            fired.countDown();
        }
    }

    @Test
    void aTimeoutLongerThanTheSentinelsPeriodStillFiresWhenDueAndNotBefore() throws Exception {
        acquire();
        long millis = OkioWatchdogSentinel.PERIOD_MILLIS + 500;
        Recorded t = new Recorded(millis);
        long start = System.nanoTime();
        t.enter();
        try {
            assertThat(t.fired.await(millis + 10_000, TimeUnit.MILLISECONDS))
                    .as("fired")
                    .isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(t.firedAtNanos - start)).isGreaterThanOrEqualTo(millis);
        } finally {
            assertThat(t.exit()).as("exit reports the timeout").isTrue();
        }
    }

    @Test
    void aTimeoutShorterThanTheSentinelsPeriodStillFiresWhenDue() throws Exception {
        acquire();
        Recorded t = new Recorded(100);
        long start = System.nanoTime();
        t.enter();
        try {
            assertThat(t.fired.await(10, TimeUnit.SECONDS)).as("fired").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(t.firedAtNanos - start)).isGreaterThanOrEqualTo(100);
        } finally {
            t.exit();
        }
    }

    @Test
    void aTimeoutLeftBeforeItIsDueNeverFires() throws Exception {
        acquire();
        Recorded t = new Recorded(OkioWatchdogSentinel.PERIOD_MILLIS + 200);
        t.enter();
        assertThat(t.exit()).as("exit reports no timeout").isFalse();
        // the sentinel re-arms twice in the meantime; the timeout left the queue and stays quiet
        long rearmed = OkioWatchdogSentinel.rearms();
        Await.until(
                "the sentinel re-armed twice",
                Duration.ofSeconds(30),
                () -> OkioWatchdogSentinel.rearms() >= rearmed + 2);
        assertThat(t.fired.getCount()).isEqualTo(1);
    }

    @Test
    void theSentinelReArmsItselfWhileHeldAndLeavesWithTheLastHolder() {
        int before = OkioWatchdogSentinel.holders(); // invokers other tests left open, normally none
        acquire();
        acquire();
        assertThat(OkioWatchdogSentinel.active()).isTrue();
        Await.until("the sentinel re-armed", Duration.ofSeconds(30), () -> OkioWatchdogSentinel.rearms() >= 1);

        OkioWatchdogSentinel.release();
        held--;
        assertThat(OkioWatchdogSentinel.active()).as("one holder left").isTrue();
        OkioWatchdogSentinel.release();
        held--;
        assertThat(OkioWatchdogSentinel.holders()).isEqualTo(before);
        assertThat(OkioWatchdogSentinel.active()).as("active only while held").isEqualTo(before > 0);
    }

    @Test
    void aClosedFc3InvokerNoLongerHoldsTheSentinel() {
        int before = OkioWatchdogSentinel.holders();
        FcConnection c = FcConnection.builder()
                .apiVersion(FcApiVersion.V3_2023_03_30)
                .endpoint("http://127.0.0.1:9")
                .accountId("123")
                .region("cn-hangzhou")
                .function("fn")
                .credentials(io.datahubfcsync.credentials.CredentialsSource.fromEnvironment(java.util.Map.of(
                        io.datahubfcsync.credentials.CredentialsSource.ENV_ACCESS_KEY_ID, "id",
                        io.datahubfcsync.credentials.CredentialsSource.ENV_ACCESS_KEY_SECRET, "secret")))
                .build();
        Fc3FunctionInvoker invoker = new Fc3FunctionInvoker(c);
        assertThat(OkioWatchdogSentinel.holders()).isEqualTo(before + 1);
        invoker.close();
        invoker.close(); // twice: released once
        assertThat(OkioWatchdogSentinel.holders()).isEqualTo(before);
    }
}
