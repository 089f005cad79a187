package io.datahubfcsync.datahub;

import java.util.List;
import java.util.Map;

/**
 * The job's view of one DataHub topic: the few calls the source and the dead-letter writer need, in
 * their own small types, so the Flink code never sees an SDK class and unit tests can replace
 * DataHub with a fake. (Subscriptions, a service of their own, are behind {@link DataHubSubscriptions}.)
 *
 * <p>Every method throws a {@link DataHubException} subtype; which one tells the caller whether to
 * retry, re-seek, finish the shard or fail. Implementations are not serializable: build them where
 * they are used (enumerator start, split reader), from a serializable factory.
 */
public interface DataHubClient extends AutoCloseable {

    /** Record type and schema of the topic. */
    TopicDescription describeTopic();

    /** All shards of the topic, CLOSED ones included. */
    List<ShardInfo> listShards();

    /** A cursor at the position; a {@link PositionOutOfRangeException} if the shard does not retain it. */
    ShardCursor cursorAt(String shardId, CursorPosition position);

    /**
     * Up to {@code limit} records from the cursor on. TUPLE topics are read with the schema and
     * their values rendered to the strings the DataHub event carries. A {@link ShardSealedException}
     * means a CLOSED shard has no more records.
     */
    RecordBatch readRecords(String shardId, String cursor, int limit);

    /**
     * Writes one BLOB record with these attributes; records with the same partition key go to the
     * same shard, in order. DataHub refusing the record is a {@link DataHubException} like a failed
     * call: {@link DataHubRetryableException} for throttling or a server error, else
     * {@link DataHubFatalException}.
     */
    void putBlob(String partitionKey, byte[] data, Map<String, String> attributes);

    @Override
    void close();
}
