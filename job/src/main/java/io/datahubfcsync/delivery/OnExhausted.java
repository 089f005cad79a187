package io.datahubfcsync.delivery;

import java.util.Locale;

/** What happens to a batch that failed {@code retry.max-attempts} times, or a record that can never be sent. */
public enum OnExhausted {
    /**
     * The shard stops with its batch kept in state while the other shards go on; it resumes after a
     * successful probe ({@code suspend.probe-interval}), a resume request, or in a new run of the job.
     */
    SUSPEND,
    /** The job fails and does not restart; resume from the latest checkpoint after fixing the function. */
    FAIL,
    /** The event goes to {@code dead-letter.topic} with the error, and the shard goes on. */
    DEAD_LETTER;

    /** The value users type for {@code on-exhausted}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
