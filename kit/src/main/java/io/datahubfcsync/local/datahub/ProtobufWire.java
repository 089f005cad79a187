package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.RecordType;
import com.aliyun.datahub.client.model.protobuf.DatahubProtos;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * DataHub's protobuf mode: the {@code DHUB | crc32c | length | payload} frame around the SDK's own
 * {@link DatahubProtos} messages. TUPLE values travel as UTF-8 text, one FieldData per field (an
 * empty FieldData is NULL); BLOB is exactly one FieldData with the raw bytes.
 */
final class ProtobufWire {
    private static final byte[] MAGIC = {'D', 'H', 'U', 'B'};

    private ProtobufWire() {}

    static byte[] unframe(byte[] body) {
        if (body.length < 12
                || body[0] != MAGIC[0]
                || body[1] != MAGIC[1]
                || body[2] != MAGIC[2]
                || body[3] != MAGIC[3]) {
            throw ServiceError.invalidParameter("The protobuf body does not start with the DHUB frame header.");
        }
        ByteBuffer bb = ByteBuffer.wrap(body);
        bb.position(4);
        int crc = bb.getInt();
        int length = bb.getInt();
        if (length < 0 || length != body.length - 12) {
            throw ServiceError.invalidParameter("The DHUB frame length " + length + " does not match the body ("
                    + (body.length - 12) + " payload bytes).");
        }
        byte[] payload = new byte[length];
        bb.get(payload);
        if (crc != 0 && crc != crc32c(payload)) {
            throw ServiceError.invalidParameter("The DHUB frame checksum does not match its payload.");
        }
        return payload;
    }

    static byte[] frame(byte[] payload) {
        ByteBuffer bb = ByteBuffer.allocate(12 + payload.length);
        bb.put(MAGIC).putInt(crc32c(payload)).putInt(payload.length).put(payload);
        return bb.array();
    }

    private static int crc32c(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    static DatahubProtos.GetRecordsRequest getRecordsRequest(byte[] payload) {
        try {
            return DatahubProtos.GetRecordsRequest.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw ServiceError.invalidParameter("The GetRecordsRequest is not valid protobuf: " + e.getMessage());
        }
    }

    static List<IncomingRecord> putRequest(byte[] payload, RecordType topicType) {
        DatahubProtos.PutRecordsRequest req;
        try {
            req = DatahubProtos.PutRecordsRequest.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw ServiceError.invalidParameter("The PutRecordsRequest is not valid protobuf: " + e.getMessage());
        }
        List<IncomingRecord> out = new ArrayList<>(req.getRecordsCount());
        for (DatahubProtos.RecordEntry e : req.getRecordsList()) {
            String shardId = e.hasShardId() ? e.getShardId() : null;
            String hashKey = e.hasHashKey() ? e.getHashKey() : null;
            String partitionKey = e.hasPartitionKey() ? e.getPartitionKey() : null;
            Map<String, String> attrs = new LinkedHashMap<>();
            if (e.hasAttributes()) {
                for (DatahubProtos.StringPair p : e.getAttributes().getAttributesList())
                    attrs.put(p.getKey(), p.getValue());
            }
            List<DatahubProtos.FieldData> fields = e.getData().getDataList();
            // The frame does not say BLOB or TUPLE; the topic does.
            if (topicType == RecordType.BLOB) {
                if (fields.size() != 1) {
                    out.add(IncomingRecord.malformed(
                            shardId,
                            hashKey,
                            partitionKey,
                            "A BLOB record must hold exactly one FieldData, had " + fields.size() + "."));
                } else {
                    out.add(IncomingRecord.blob(
                            shardId,
                            hashKey,
                            partitionKey,
                            attrs,
                            fields.get(0).getValue().toByteArray()));
                }
                continue;
            }
            List<String> values = new ArrayList<>(fields.size());
            String bad = null;
            for (int i = 0; i < fields.size(); i++) {
                DatahubProtos.FieldData f = fields.get(i);
                if (!f.hasValue()) {
                    values.add(null);
                } else {
                    String v = strictUtf8(f.getValue());
                    if (v == null) bad = "Tuple field " + i + " is not valid UTF-8.";
                    values.add(v);
                }
            }
            out.add(
                    bad != null
                            ? IncomingRecord.malformed(shardId, hashKey, partitionKey, bad)
                            : IncomingRecord.tuple(shardId, hashKey, partitionKey, attrs, values));
        }
        return out;
    }

    private static String strictUtf8(ByteString bytes) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.asReadOnlyByteBuffer());
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static byte[] records(EmulatedTopic.ReadAnswer a) {
        DatahubProtos.GetRecordsResponse.Builder b = DatahubProtos.GetRecordsResponse.newBuilder()
                .setNextCursor(a.nextCursor())
                .setRecordCount(a.records().size())
                .setStartSequence(a.startSequence())
                .setLatestSequence(a.latestSequence())
                .setLatestTime(a.latestTime());
        for (int i = 0; i < a.records().size(); i++) {
            StoredRecord r = a.records().get(i);
            DatahubProtos.RecordData.Builder data = DatahubProtos.RecordData.newBuilder();
            if (r.isBlob()) {
                data.addData(DatahubProtos.FieldData.newBuilder().setValue(ByteString.copyFrom(r.blobUnsafe())));
            } else {
                for (String v : r.tuple()) {
                    data.addData(
                            v == null
                                    ? DatahubProtos.FieldData.getDefaultInstance()
                                    : DatahubProtos.FieldData.newBuilder()
                                            .setValue(ByteString.copyFromUtf8(v))
                                            .build());
                }
            }
            DatahubProtos.RecordEntry.Builder e = DatahubProtos.RecordEntry.newBuilder()
                    .setCursor(a.cursors().get(i))
                    .setNextCursor(a.cursors().get(i + 1))
                    .setSequence(r.sequence())
                    .setSystemTime(r.systemTime())
                    .setData(data);
            if (!r.attributes().isEmpty()) {
                DatahubProtos.RecordAttributes.Builder attrs = DatahubProtos.RecordAttributes.newBuilder();
                r.attributes()
                        .forEach((k, v) -> attrs.addAttributes(
                                DatahubProtos.StringPair.newBuilder().setKey(k).setValue(v)));
                e.setAttributes(attrs);
            }
            b.addRecords(e);
        }
        return frame(b.build().toByteArray());
    }

    static byte[] putResult(List<EmulatedTopic.PutFailure> failures) {
        DatahubProtos.PutRecordsResponse.Builder b =
                DatahubProtos.PutRecordsResponse.newBuilder().setFailedCount(failures.size());
        for (EmulatedTopic.PutFailure f : failures) {
            b.addFailedRecords(DatahubProtos.FailedRecord.newBuilder()
                    .setIndex(f.index())
                    .setErrorCode(f.errorCode())
                    .setErrorMessage(f.errorMessage()));
        }
        return frame(b.build().toByteArray());
    }
}
