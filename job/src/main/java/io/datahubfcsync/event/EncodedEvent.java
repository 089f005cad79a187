package io.datahubfcsync.event;

/**
 * One event ready to send: its JSON bytes and which records of the shard it holds (the first
 * {@link #recordCount()} records offered to the encoder, sequences {@code firstSequence..lastSequence}).
 */
public final class EncodedEvent {
    private final byte[] json;
    private final int recordCount;
    private final long firstSequence;
    private final long lastSequence;

    EncodedEvent(byte[] json, int recordCount, long firstSequence, long lastSequence) {
        this.json = json;
        this.recordCount = recordCount;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
    }

    /** The event JSON (UTF-8). Not copied: callers must not modify it. */
    public byte[] json() {
        return json;
    }

    public int recordCount() {
        return recordCount;
    }

    public long firstSequence() {
        return firstSequence;
    }

    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public String toString() {
        return "EncodedEvent{sequences " + firstSequence + ".." + lastSequence + ", " + recordCount + " records, "
                + json.length + " bytes}";
    }
}
