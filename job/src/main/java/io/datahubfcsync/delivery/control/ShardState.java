package io.datahubfcsync.delivery.control;

import java.util.Locale;

/** Where a shard's delivery stands, as a status listing shows it. */
public enum ShardState {
    /** Delivering (or caught up and waiting for records). */
    RUNNING,
    /** The batch at the head failed and is tried again after a pause. */
    RETRYING,
    /** A child shard whose parents this job read are not all delivered yet: it holds its records. */
    WAITING_FOR_PARENTS,
    /** The batch at the head used up {@code retry.max-attempts}: the shard waits for a probe or a resume. */
    SUSPENDED,
    /** Delivered up to the shard's end (it was split, merged or reached {@code stop}). */
    FINISHED,
    /** Exhausted under {@code on-exhausted=fail} or being set aside in the dead-letter topic. */
    EXHAUSTED;

    /** The lower-case, dashed form users read and type, e.g. {@code waiting-for-parents}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
