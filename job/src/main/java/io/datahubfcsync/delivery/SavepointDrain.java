package io.datahubfcsync.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.checkpoint.SnapshotType;
import org.apache.flink.util.function.SupplierWithException;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Makes a savepoint hold nothing that a remote service may already have taken. Before the
 * snapshot it waits — yielding to the mailbox, so answers keep arriving — until no call is out (FC
 * invocations and dead-letter writes alike), and meanwhile nothing new starts. Stop-with-savepoint
 * then resumes exactly once: what the savepoint holds as undelivered was never sent, and what was
 * sent is in it as done. After the synchronous savepoint of a stop, nothing new starts at all (the
 * task ends); should that savepoint be aborted or superseded by a later completed checkpoint, the
 * job goes on and so does delivery.
 *
 * <p>Ordinary checkpoints do not wait: a slow function must not hold up checkpointing, and a batch
 * that is out at a checkpoint is sent again after a failover (at-least-once, same eventIds).
 */
final class SavepointDrain {
    private final MailboxExecutor mailbox;
    private boolean draining;
    /** Id of the synchronous savepoint of a stop-with-savepoint, or -1. */
    private long stoppedAt = -1;
    /** Work whose time came while new work was held; done once it is allowed again. */
    private final List<ThrowingRunnable<Exception>> deferred = new ArrayList<>();

    SavepointDrain(MailboxExecutor mailbox) {
        this.mailbox = mailbox;
    }

    /** True while nothing new may be sent: during a savepoint's wait, and after a stop's savepoint. */
    boolean holdsNewWork() {
        return draining || stoppedAt >= 0;
    }

    /** Runs {@code work} now, or once new work is allowed again. */
    void runOrDefer(ThrowingRunnable<Exception> work) throws Exception {
        if (holdsNewWork()) deferred.add(work);
        else work.run();
    }

    /**
     * Takes the snapshot; for a savepoint, first waits until {@code busy} is false.
     *
     * @param resume starts whatever was held back (called after a savepoint that is not a stop's)
     */
    <T> T snapshot(
            long checkpointId,
            SnapshotType type,
            BooleanSupplier busy,
            SupplierWithException<T, Exception> snapshot,
            ThrowingRunnable<Exception> resume)
            throws Exception {
        if (!type.isSavepoint()) return snapshot.get();
        boolean stopping = type instanceof SavepointType && ((SavepointType) type).isSynchronous();
        draining = true;
        try {
            while (busy.getAsBoolean()) mailbox.yield();
            return snapshot.get();
        } finally {
            draining = false;
            if (stopping) {
                stoppedAt = checkpointId;
            } else {
                release(resume);
            }
        }
    }

    /** The stop's savepoint was aborted: the job goes on. */
    void aborted(long checkpointId, ThrowingRunnable<Exception> resume) throws Exception {
        if (checkpointId == stoppedAt) {
            stoppedAt = -1;
            release(resume);
        }
    }

    /** A checkpoint after the stop's savepoint completed: the stop did not happen, the job goes on. */
    void completed(long checkpointId, ThrowingRunnable<Exception> resume) throws Exception {
        if (stoppedAt >= 0 && checkpointId > stoppedAt) {
            stoppedAt = -1;
            release(resume);
        }
    }

    /** Id of the stop's savepoint, or -1. */
    @VisibleForTesting
    long stoppedAt() {
        return stoppedAt;
    }

    private void release(ThrowingRunnable<Exception> resume) throws Exception {
        List<ThrowingRunnable<Exception>> work = new ArrayList<>(deferred);
        deferred.clear();
        for (ThrowingRunnable<Exception> w : work) w.run();
        resume.run();
    }
}
