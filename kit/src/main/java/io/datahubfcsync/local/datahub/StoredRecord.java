package io.datahubfcsync.local.datahub;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One record as the emulator stores it in a shard: dense sequence, server system time (epoch ms),
 * attributes, and either the BLOB bytes or the TUPLE values (strings as written, null for NULL).
 */
public final class StoredRecord {
    private final long sequence;
    private final long systemTime;
    private final Map<String, String> attributes;
    private final byte[] blob;
    private final List<String> tuple;
    private final String partitionKey;
    private final String hashKey;

    StoredRecord(
            long sequence,
            long systemTime,
            Map<String, String> attributes,
            byte[] blob,
            List<String> tuple,
            String partitionKey,
            String hashKey) {
        this.sequence = sequence;
        this.systemTime = systemTime;
        this.attributes = Map.copyOf(attributes);
        this.blob = blob;
        this.tuple = tuple;
        this.partitionKey = partitionKey;
        this.hashKey = hashKey;
    }

    public long sequence() {
        return sequence;
    }

    public long systemTime() {
        return systemTime;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    public boolean isBlob() {
        return blob != null;
    }

    /** A copy of the BLOB bytes; throws for a TUPLE record. */
    public byte[] blob() {
        if (blob == null) throw new IllegalStateException("record " + sequence + " is a TUPLE record");
        return blob.clone();
    }

    /** The TUPLE values (null entries for NULL); throws for a BLOB record. */
    public List<String> tuple() {
        if (tuple == null) throw new IllegalStateException("record " + sequence + " is a BLOB record");
        return tuple;
    }

    /** Shared bytes for the wire encoders, which only read them. */
    byte[] blobUnsafe() {
        return blob;
    }

    public String partitionKey() {
        return partitionKey;
    }

    public String hashKey() {
        return hashKey;
    }

    @Override
    public String toString() {
        return "StoredRecord{seq=" + sequence + ", systemTime=" + systemTime
                + (blob != null ? ", blob=" + blob.length + " bytes" : ", tuple=" + Arrays.toString(tuple.toArray()))
                + '}';
    }
}
