package io.datahubfcsync.progress;

import java.util.Collection;

/**
 * The DataHub subscription the job mirrors its delivered positions to, so that DataHub's console
 * and tools show the job's progress and lag. Only for watching: the job's positions always come
 * from Flink state, and nothing read back from the subscription ever moves them.
 */
public interface SubscriptionMirror extends AutoCloseable {
    /** How one commit ended. */
    enum Outcome {
        COMMITTED,
        /** The subscription is OFFLINE (set in the console): nothing committed, tried again at the next checkpoint. */
        OFFLINE,
        /** Any other failure: logged, tried again at the next checkpoint. */
        FAILED
    }

    /** Commits the positions; never throws for a service answer, reports it instead. */
    Outcome commit(Collection<DeliveredPosition> positions);

    /** Times a console "reset offset" was found and overwritten by the job's real position. */
    long offsetResets();

    /** Times the session was taken over (another consumer opened one) and was opened again. */
    long sessionsReopened();

    @Override
    void close();

    /** Creates mirrors in the TaskManager; serializable, holds no secret. */
    interface Factory extends java.io.Serializable {
        SubscriptionMirror create();
    }
}
