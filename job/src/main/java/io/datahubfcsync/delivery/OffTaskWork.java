package io.datahubfcsync.delivery;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.util.function.ThrowingConsumer;

/**
 * Blocking calls (FC invocations, dead-letter writes, catch-up reads) run on a bounded pool of
 * daemon threads; their results come back to the task thread as mails. The task thread itself never
 * waits for a remote service, so answers, timers and checkpoints keep flowing.
 */
final class OffTaskWork implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final MailboxExecutor mailbox;
    private volatile boolean closing;

    OffTaskWork(String threadPrefix, int threads, MailboxExecutor mailbox) {
        this.mailbox = mailbox;
        this.pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads(threadPrefix));
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code call} on the pool and hands its result to {@code then} on the task thread. Once the
     * task is closing neither happens: whatever the call was about is still in state and is done
     * again after a restore.
     */
    <T> void run(Supplier<T> call, ThrowingConsumer<T, Exception> then, String description, Object... args) {
        Runnable work = () -> {
            if (closing) return;
            T result = call.get();
            try {
                mailbox.execute(() -> then.accept(result), description, args);
            } catch (RejectedExecutionException e) {
                // the task is shutting down; see above
            }
        };
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            if (!closing) throw e;
        }
    }

    @Override
    public void close() {
        closing = true;
        pool.shutdownNow(); // a call stuck in FC ends with its read timeout; the threads are daemons
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
