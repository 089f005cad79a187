package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.BlobRecordData;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.GetCursorResult;
import com.aliyun.datahub.client.model.GetRecordsResult;
import com.aliyun.datahub.client.model.GetTopicResult;
import com.aliyun.datahub.client.model.PutErrorEntry;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordData;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.RecordType;
import com.aliyun.datahub.client.model.ShardEntry;
import com.aliyun.datahub.client.model.TupleRecordData;
import io.datahubfcsync.datahub.DataHubFatalException.Reason;
import io.datahubfcsync.event.ShardRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link DataHubClient} over the DataHub Java SDK, for one project/topic; built by
 * {@link DataHubConnection#client}.
 *
 * <p>The topic's schema is fetched once, on first need, and every read of a TUPLE topic passes it
 * (the 6-argument getRecords): without it the SDK fails or, for one-field tuples, silently returns
 * BLOB data. Safe for concurrent calls: the split reader keeps several reads of one instance in
 * flight (the SDK client is thread-safe, and the schema is fetched once under a lock).
 */
final class SdkDataHubClient implements DataHubClient {
    private final DatahubClient sdk;
    private final String project;
    private final String topic;

    private volatile RecordType recordType;
    private volatile RecordSchema schema;

    SdkDataHubClient(DatahubClient sdk, String project, String topic) {
        this.sdk = Objects.requireNonNull(sdk, "sdk");
        this.project = Objects.requireNonNull(project, "project");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public synchronized TopicDescription describeTopic() {
        GetTopicResult t;
        try {
            t = sdk.getTopic(project, topic);
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "getTopic " + project + "/" + topic);
        }
        schema = t.getRecordSchema();
        recordType = t.getRecordType(); // last: readers test it and then use the schema
        List<TopicDescription.FieldSpec> fields = new ArrayList<>();
        if (recordType == RecordType.TUPLE && schema != null) {
            for (Field f : schema.getFields()) {
                fields.add(
                        new TopicDescription.FieldSpec(f.getName(), f.getType().name(), f.isAllowNull()));
            }
        }
        return new TopicDescription(
                project,
                topic,
                recordType == RecordType.TUPLE ? TopicDescription.RecordKind.TUPLE : TopicDescription.RecordKind.BLOB,
                fields,
                t.getShardCount(),
                t.getLifeCycle());
    }

    @Override
    public List<ShardInfo> listShards() {
        List<ShardEntry> entries;
        try {
            entries = sdk.listShard(project, topic).getShards();
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "listShard " + project + "/" + topic);
        }
        List<ShardInfo> shards = new ArrayList<>();
        if (entries != null) {
            for (ShardEntry s : entries) {
                shards.add(new ShardInfo(
                        s.getShardId(), state(s), s.getParentShardIds(), s.getBeginHashKey(), s.getEndHashKey()));
            }
        }
        return shards;
    }

    private static ShardInfo.State state(ShardEntry s) {
        if (s.getState() == null) return ShardInfo.State.UNKNOWN;
        return switch (s.getState()) {
            case OPENING -> ShardInfo.State.OPENING;
            case ACTIVE -> ShardInfo.State.ACTIVE;
            case CLOSING -> ShardInfo.State.CLOSING;
            case CLOSED -> ShardInfo.State.CLOSED;
            case INACTIVE -> ShardInfo.State.INACTIVE;
        };
    }

    @Override
    public ShardCursor cursorAt(String shardId, CursorPosition position) {
        GetCursorResult r;
        try {
            r = switch (position.kind()) {
                case OLDEST -> sdk.getCursor(project, topic, shardId, CursorType.OLDEST);
                case LATEST -> sdk.getCursor(project, topic, shardId, CursorType.LATEST);
                case SEQUENCE -> sdk.getCursor(project, topic, shardId, CursorType.SEQUENCE, position.value());
                case SYSTEM_TIME -> sdk.getCursor(project, topic, shardId, CursorType.SYSTEM_TIME, position.value());
            };
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, "getCursor " + position + " on " + project + "/" + topic + " shard " + shardId);
        }
        return new ShardCursor(r.getCursor(), r.getSequence(), r.getTimestamp());
    }

    @Override
    public RecordBatch readRecords(String shardId, String cursor, int limit) {
        if (recordType == null) {
            describeTopic(); // concurrent first reads may each fetch the schema: harmless
        }
        String what = "getRecords on " + project + "/" + topic + " shard " + shardId;
        try {
            GetRecordsResult r = recordType == RecordType.TUPLE
                    ? sdk.getRecords(project, topic, shardId, schema, cursor, limit)
                    : sdk.getRecords(project, topic, shardId, cursor, limit);
            // In protobuf mode the SDK decodes lazily, on this call: keep it inside the try.
            List<RecordEntry> entries = r.getRecords();
            List<ShardRecord> records = new ArrayList<>(entries == null ? 0 : entries.size());
            if (entries != null) {
                for (RecordEntry e : entries) {
                    records.add(toShardRecord(shardId, e, r.getLatestTime()));
                }
            }
            return new RecordBatch(records, r.getNextCursor(), r.getLatestSequence(), r.getLatestTime());
        } catch (DataHubException e) {
            throw e;
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, what);
        }
    }

    private ShardRecord toShardRecord(String shardId, RecordEntry e, long latestTime) {
        RecordData data = e.getRecordData();
        ShardRecord rec;
        if (data instanceof TupleRecordData tuple) {
            List<Field> fields = schema.getFields();
            String[] values = new String[fields.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = TupleValueRenderer.render(fields.get(i).getType(), tuple.getField(i));
            }
            rec = ShardRecord.tuple(shardId, e.getSequence(), e.getSystemTime(), values);
        } else if (data instanceof BlobRecordData blob) {
            byte[] bytes = blob.getData();
            rec = ShardRecord.blob(shardId, e.getSequence(), e.getSystemTime(), bytes == null ? new byte[0] : bytes);
        } else {
            throw new DataHubFatalException(
                    Reason.MALFORMED_RECORD,
                    "Record " + shardId + ":" + e.getSequence()
                            + " of " + project + "/" + topic + " has no data the source understands ("
                            + (data == null ? "null" : data.getClass().getSimpleName()) + ")",
                    null);
        }
        rec.shardLatestTime = latestTime;
        return rec;
    }

    @Override
    public void putBlob(String partitionKey, byte[] data, Map<String, String> attributes) {
        RecordEntry entry = new RecordEntry();
        entry.setRecordData(new BlobRecordData(data));
        entry.setPartitionKey(partitionKey);
        attributes.forEach(entry::addAttribute);
        String what = "putRecords to " + project + "/" + topic;
        PutRecordsResult result;
        try {
            result = sdk.putRecords(project, topic, List.of(entry));
        } catch (RuntimeException e) {
            throw SdkErrors.map(e, what);
        }
        if (result.getFailedRecordCount() > 0) {
            List<PutErrorEntry> errors = result.getPutErrorEntries();
            PutErrorEntry first = errors == null || errors.isEmpty() ? null : errors.get(0);
            throw SdkErrors.refusedRecord(
                    first == null ? null : first.getErrorcode(), first == null ? null : first.getMessage(), what);
        }
    }

    /** The SDK shares one connection pool per process and has nothing per client to release. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "SdkDataHubClient{" + project + "/" + topic + '}';
    }
}
