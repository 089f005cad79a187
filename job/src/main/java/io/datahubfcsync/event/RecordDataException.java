package io.datahubfcsync.event;

/**
 * A record that cannot become part of any event: a BLOB that is not valid UTF-8, or a record whose
 * JSON alone exceeds {@code batch.max-bytes}. Retrying cannot help, so the delivery operator hands
 * it straight to the exhaustion policy ({@code on-exhausted}).
 */
public final class RecordDataException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String shardId;
    private final long sequence;

    public RecordDataException(String shardId, long sequence, String problem) {
        super("record " + shardId + ':' + sequence + " (shard " + shardId + ", sequence " + sequence + "): " + problem);
        this.shardId = shardId;
        this.sequence = sequence;
    }

    public String shardId() {
        return shardId;
    }

    public long sequence() {
        return sequence;
    }
}
