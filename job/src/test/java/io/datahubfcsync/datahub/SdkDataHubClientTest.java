package io.datahubfcsync.datahub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import io.datahubfcsync.testing.KitConnections;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our client over the real SDK, against the DataHub emulator over HTTP, in both wire protocols. */
class SdkDataHubClientTest {
    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject("proj");

    @BeforeAll
    static void writeRecords() {
        RecordSchema schema = new RecordSchema();
        schema.addField(new Field("id", FieldType.BIGINT));
        schema.addField(new Field("price", FieldType.DOUBLE));
        schema.addField(new Field("ok", FieldType.BOOLEAN));
        schema.addField(new Field("at", FieldType.TIMESTAMP));
        schema.addField(new Field("name", FieldType.STRING));
        schema.addField(new Field("amount", FieldType.DECIMAL));
        schema.addField(new Field("small", FieldType.SMALLINT));
        schema.addField(new Field("ratio", FieldType.FLOAT));
        DATAHUB.emulator().createTopic("proj", "tuples", 1, schema);
        DATAHUB.emulator()
                .appendTuple(
                        "proj",
                        "tuples",
                        "0",
                        "-9007199254740993",
                        "1.5",
                        "true",
                        "1763712000123456",
                        "héllo, \"w\"",
                        "12.340",
                        "-7",
                        "0.25");
        DATAHUB.emulator().appendTuple("proj", "tuples", "0", "1", null, "false", null, "", "0", null, null);
        DATAHUB.emulator().createTopic("proj", "blobs", 2, null);
        DATAHUB.emulator().appendBlob("proj", "blobs", "1", "a".getBytes(StandardCharsets.UTF_8));
        DATAHUB.emulator().appendBlob("proj", "blobs", "1", new byte[] {0, 1, (byte) 0xff});
    }

    private static DataHubClient client(DataHubProtocol protocol, String topic) {
        return KitConnections.dataHub(DATAHUB.emulator(), protocol).client("proj", topic);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void readsTupleRecordsWithTheSchemaAndRendersValuesAsStrings(DataHubProtocol protocol) {
        DataHubClient c = client(protocol, "tuples");
        TopicDescription d = c.describeTopic();
        assertThat(d.isTuple()).isTrue();
        assertThat(d.fieldNames()).containsExactly("id", "price", "ok", "at", "name", "amount", "small", "ratio");

        ShardCursor oldest = c.cursorAt("0", CursorPosition.oldest());
        RecordBatch batch = c.readRecords("0", oldest.cursor(), 10);
        assertThat(batch.records()).hasSize(2);
        ShardRecord first = batch.records().get(0);
        assertThat(first.sequence).isZero();
        assertThat(first.tuple)
                .containsExactly(
                        "-9007199254740993", "1.5", "true", "1763712000123456", "héllo, \"w\"", "12.340", "-7", "0.25");
        assertThat(Arrays.asList(batch.records().get(1).tuple))
                .containsExactly("1", null, "false", null, "", "0", null, null);
        assertThat(first.shardLatestTime).isEqualTo(batch.records().get(1).systemTime);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void readsBlobsAndMapsTheShardLifecycleToOurExceptions(DataHubProtocol protocol) {
        DataHubClient c = client(protocol, "blobs");
        assertThat(c.listShards()).extracting(ShardInfo::shardId).containsExactly("0", "1");
        RecordBatch batch =
                c.readRecords("1", c.cursorAt("1", CursorPosition.oldest()).cursor(), 10);
        assertThat(batch.records())
                .extracting(r -> r.blob)
                .containsExactly("a".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, (byte) 0xff});
        assertThat(c.readRecords("1", batch.nextCursor(), 10).isEmpty()).isTrue();

        assertThatThrownBy(() -> c.cursorAt("1", CursorPosition.sequence(50)))
                .isInstanceOf(PositionOutOfRangeException.class);
        assertThatThrownBy(() -> c.readRecords("1", "not-a-cursor", 10)).isInstanceOf(ExpiredCursorException.class);
        assertThatThrownBy(() -> c.cursorAt("77", CursorPosition.oldest())).isInstanceOf(ShardNotFoundException.class);
        assertThatThrownBy(() -> c.cursorAt("0", CursorPosition.systemTime(System.currentTimeMillis() + 3_600_000)))
                .isInstanceOf(PositionOutOfRangeException.class);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void putsABlobWithItsAttributesAndMapsARefusedRecordOrAMissingTopicToOurExceptions(DataHubProtocol protocol) {
        String topic = "letters_" + protocol.key();
        DATAHUB.emulator().createTopic("proj", topic, 1, null);
        DataHubClient letters = client(protocol, topic);
        letters.putBlob("7", new byte[] {'{', 0, (byte) 0xff}, Map.of("reason", "exhausted", "shardId", "7"));
        letters.putBlob("7", "second".getBytes(StandardCharsets.UTF_8), Map.of("reason", "data-error"));

        List<StoredRecord> stored = DATAHUB.emulator().records("proj", topic, "0");
        assertThat(stored)
                .extracting(StoredRecord::blob)
                .containsExactly(new byte[] {'{', 0, (byte) 0xff}, "second".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.get(0).attributes())
                .containsEntry("reason", "exhausted")
                .containsEntry("shardId", "7");
        assertThat(stored.get(1).attributes()).containsEntry("reason", "data-error");

        DataHubClient tuples = client(protocol, "tuples");
        assertThatThrownBy(() -> tuples.putBlob("7", new byte[] {1}, Map.of()))
                .isInstanceOfSatisfying(
                        DataHubFatalException.class,
                        e -> assertThat(e.reason()).isEqualTo(DataHubFatalException.Reason.MALFORMED_RECORD))
                .hasMessageContaining("putRecords to proj/tuples")
                .hasMessageContaining("MalformedRecord");
        assertThatThrownBy(() -> client(protocol, "no_such_topic").putBlob("7", new byte[] {1}, Map.of()))
                .isInstanceOfSatisfying(
                        DataHubFatalException.class,
                        e -> assertThat(e.reason()).isEqualTo(DataHubFatalException.Reason.PROJECT_OR_TOPIC_NOT_FOUND));
    }
}
