package io.datahubfcsync.local.datahub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.ResourceAlreadyExistException;
import com.aliyun.datahub.client.model.BlobRecordData;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.GetCursorResult;
import com.aliyun.datahub.client.model.GetRecordsResult;
import com.aliyun.datahub.client.model.GetTopicResult;
import com.aliyun.datahub.client.model.ListShardResult;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.RecordType;
import com.aliyun.datahub.client.model.ShardEntry;
import com.aliyun.datahub.client.model.ShardState;
import com.aliyun.datahub.client.model.TupleRecordData;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.testing.ManualClock;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real SDK writes and reads every field type through the emulator, in JSON and protobuf mode. */
class DataHubEmulatorRoundTripTest {
    private static final String P = "proj_rt";

    /** A clock the test moves by hand, so system times and SYSTEM_TIME cursors are exact. */
    private final ManualClock now = new ManualClock(1_700_000_000_000L);

    private DataHubEmulator emulator;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.builder().clock(now).start();
        emulator.createProject(P);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void tupleOfEveryTypeRoundTripsWithNulls(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        client.createTopic(P, "tuples", 2, 1, RecordType.TUPLE, SdkClients.everyTypeSchema(), "every type");
        RecordSchema schema = client.getTopic(P, "tuples").getRecordSchema();

        TupleRecordData full = new TupleRecordData(schema);
        full.setField("f_bigint", Long.MIN_VALUE);
        full.setField("f_integer", Integer.MAX_VALUE);
        full.setField("f_smallint", (short) -32768);
        full.setField("f_tinyint", (byte) 127);
        full.setField("f_double", 1.5e300);
        full.setField("f_float", 2.25f);
        full.setField("f_decimal", new BigDecimal("-12345678901234567890.000000001"));
        full.setField("f_boolean", true);
        full.setField("f_timestamp", 1_700_000_000_123_456L);
        full.setField("f_string", "héllo \"quoted\" 世界\n");
        TupleRecordData nulls = new TupleRecordData(schema);
        nulls.setField("f_integer", 0); // the only NOT NULL field
        nulls.setField("f_boolean", false);

        PutRecordsResult put = client.putRecords(
                P, "tuples", List.of(entry(full, "0", Map.of("k", "v")), entry(nulls, "0", Map.of())));
        assertThat(put.getFailedRecordCount()).isZero();

        String cursor = client.getCursor(P, "tuples", "0", CursorType.OLDEST).getCursor();
        GetRecordsResult got = client.getRecords(P, "tuples", "0", schema, cursor, 10);
        assertThat(got.getRecordCount()).isEqualTo(2);
        List<RecordEntry> records = got.getRecords();
        TupleRecordData a = (TupleRecordData) records.get(0).getRecordData();
        assertThat(a.getField("f_bigint")).isEqualTo(Long.MIN_VALUE);
        assertThat(a.getField("f_integer")).isEqualTo(Integer.MAX_VALUE);
        assertThat(a.getField("f_smallint")).isEqualTo((short) -32768);
        assertThat(a.getField("f_tinyint")).isEqualTo((byte) 127);
        assertThat(a.getField("f_double")).isEqualTo(1.5e300);
        assertThat(a.getField("f_float")).isEqualTo(2.25f);
        assertThat(a.getField("f_decimal")).isEqualTo(new BigDecimal("-12345678901234567890.000000001"));
        assertThat(a.getField("f_boolean")).isEqualTo(true);
        assertThat(a.getField("f_timestamp")).isEqualTo(1_700_000_000_123_456L);
        assertThat(a.getField("f_string")).isEqualTo("héllo \"quoted\" 世界\n");
        assertThat(records.get(0).getAttributes()).containsExactly(Map.entry("k", "v"));
        TupleRecordData b = (TupleRecordData) records.get(1).getRecordData();
        for (String f : List.of(
                "f_bigint", "f_smallint", "f_tinyint", "f_double", "f_float", "f_decimal", "f_timestamp", "f_string")) {
            assertThat(b.getField(f)).as(f).isNull();
        }
        assertThat(b.getField("f_integer")).isEqualTo(0);
        assertThat(b.getField("f_boolean")).isEqualTo(false);

        assertThat(records).extracting(RecordEntry::getSequence).containsExactly(0L, 1L);
        assertThat(records).extracting(RecordEntry::getSystemTime).containsExactly(now.millis(), now.millis());
        assertThat(got.getLatestSequence()).isEqualTo(1);
        assertThat(got.getLatestTime()).isEqualTo(now.millis());
        assertThat(emulator.records(P, "tuples", "0").get(0).tuple())
                .containsExactly(
                        String.valueOf(Long.MIN_VALUE),
                        String.valueOf(Integer.MAX_VALUE),
                        "-32768",
                        "127",
                        "1.5E300",
                        "2.25",
                        "-12345678901234567890.000000001",
                        "true",
                        "1700000000123456",
                        "héllo \"quoted\" 世界\n");
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void blobRoundTripsArbitraryBytes(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        client.createTopic(P, "blobs", 1, 1, RecordType.BLOB, "blobs");
        byte[] notUtf8 = {0, 1, 2, (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 'A'};
        RecordEntry e1 = new RecordEntry();
        e1.setRecordData(new BlobRecordData(notUtf8));
        e1.setShardId("0");
        RecordEntry e2 = new RecordEntry();
        e2.setRecordData(new BlobRecordData(new byte[0]));
        e2.setShardId("0");
        assertThat(client.putRecords(P, "blobs", List.of(e1, e2)).getFailedRecordCount())
                .isZero();

        String cursor = client.getCursor(P, "blobs", "0", CursorType.OLDEST).getCursor();
        List<RecordEntry> got = client.getRecords(P, "blobs", "0", cursor, 10).getRecords();
        assertThat(((BlobRecordData) got.get(0).getRecordData()).getData()).isEqualTo(notUtf8);
        assertThat(((BlobRecordData) got.get(1).getRecordData()).getData()).isEmpty();
        assertThat(emulator.records(P, "blobs", "0").get(0).blob()).isEqualTo(notUtf8);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void putRecordsRoutesByShardIdHashKeyAndPartitionKey(DataHubProtocol protocol) {
        emulator.createTopic(P, "routed", 3, null);
        DatahubClient client = SdkClients.client(emulator, protocol);
        RecordEntry byShard = blob("s");
        byShard.setShardId("2");
        RecordEntry byHash = blob("h");
        byHash.setHashKey("5555555555555555555555555555555A"); // inside shard 1 [5555..55, AAAA..AA)
        RecordEntry byPartition = blob("p");
        byPartition.setPartitionKey("key-3"); // MD5("key-3") = 5CCD563D…, shard 1 as well
        RecordEntry top = blob("t");
        top.setHashKey("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"); // the very top of the key space belongs to the last shard

        assertThat(client.putRecords(P, "routed", List.of(byShard, byHash, byPartition, top))
                        .getFailedRecordCount())
                .isZero();
        assertThat(blobs(emulator.records(P, "routed", "0"))).isEmpty();
        assertThat(blobs(emulator.records(P, "routed", "1"))).containsExactly("h", "p");
        assertThat(blobs(emulator.records(P, "routed", "2"))).containsExactly("s", "t");
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void badRecordsFailAloneWithTheirErrorCode(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "strict", 1, SdkClients.everyTypeSchema());
        RecordSchema schema = client.getTopic(P, "strict").getRecordSchema();
        TupleRecordData missingNotNull = new TupleRecordData(schema); // f_integer is NOT NULL
        TupleRecordData ok = new TupleRecordData(schema);
        ok.setField("f_integer", 1);
        RecordEntry unknownShard = entry(ok, "9", Map.of());

        PutRecordsResult r = client.putRecords(
                P, "strict", List.of(entry(missingNotNull, "0", Map.of()), entry(ok, "0", Map.of()), unknownShard));
        assertThat(r.getFailedRecordCount()).isEqualTo(2);
        assertThat(r.getPutErrorEntries())
                .extracting(e -> e.getIndex() + ":" + e.getErrorcode())
                .containsExactly("0:MalformedRecord", "2:InvalidShardId");
        assertThat(emulator.records(P, "strict", "0")).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void topicAndShardMetadata(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        client.createTopic(P, "meta", 3, 5, RecordType.TUPLE, SdkClients.everyTypeSchema(), "the comment");
        GetTopicResult t = client.getTopic(P, "meta");
        assertThat(t.getRecordType()).isEqualTo(RecordType.TUPLE);
        assertThat(t.getShardCount()).isEqualTo(3);
        assertThat(t.getLifeCycle()).isEqualTo(5);
        assertThat(t.getComment()).isEqualTo("the comment");
        assertThat(t.getRecordSchema().getFields())
                .isEqualTo(SdkClients.everyTypeSchema().getFields());
        assertThat(t.getRequestId()).as("x-datahub-request-id on success").isNotBlank();
        assertThat(client.listTopic(P).getTopicNames()).containsExactly("meta");
        assertThat(client.listProject().getProjectNames()).containsExactly(P);

        client.createProject("second_project", "via the SDK");
        assertThat(client.getProject("second_project").getComment()).isEqualTo("via the SDK");
        assertThatThrownBy(() -> client.createProject("second_project", "again"))
                .isInstanceOf(ResourceAlreadyExistException.class);
        assertThatThrownBy(() -> client.createTopic(P, "meta", 1, 1, RecordType.BLOB, "again"))
                .isInstanceOf(ResourceAlreadyExistException.class);
        client.createTopic("second_project", "doomed", 1, 1, RecordType.BLOB, "to delete");
        client.deleteTopic("second_project", "doomed");
        assertThat(client.listTopic("second_project").getTopicNames()).isEmpty();

        ListShardResult shards = client.listShard(P, "meta");
        assertThat(shards.getShards()).extracting(ShardEntry::getShardId).containsExactly("0", "1", "2");
        assertThat(shards.getShards()).extracting(ShardEntry::getState).containsOnly(ShardState.ACTIVE);
        assertThat(shards.getShards())
                .extracting(ShardEntry::getBeginHashKey)
                .containsExactly(
                        "00000000000000000000000000000000",
                        "55555555555555555555555555555555",
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(shards.getShards())
                .extracting(ShardEntry::getEndHashKey)
                .containsExactly(
                        "55555555555555555555555555555555",
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
        // 4294967295 on the wire = no neighbour, which the SDK turns into null
        assertThat(shards.getShards()).extracting(ShardEntry::getLeftShardId).containsExactly(null, "0", "1");
        assertThat(shards.getShards()).extracting(ShardEntry::getRightShardId).containsExactly("1", "2", null);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void cursorsOfEveryType(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "cursors", 1, null);
        GetCursorResult empty = client.getCursor(P, "cursors", "0", CursorType.LATEST);
        assertThat(empty.getSequence()).isZero();
        assertThat(empty.getTimestamp()).isZero();

        long t0 = now.millis();
        for (int i = 0; i < 5; i++) {
            emulator.appendBlob(P, "cursors", "0", ("r" + i).getBytes(UTF_8));
            now.advance(1000);
        }
        assertThat(client.getCursor(P, "cursors", "0", CursorType.OLDEST).getSequence())
                .isZero();
        GetCursorResult latest = client.getCursor(P, "cursors", "0", CursorType.LATEST);
        assertThat(latest.getSequence()).isEqualTo(4);
        assertThat(latest.getTimestamp()).isEqualTo(t0 + 4000);
        assertThat(client.getCursor(P, "cursors", "0", CursorType.SEQUENCE, 3).getSequence())
                .isEqualTo(3);
        assertThat(client.getCursor(P, "cursors", "0", CursorType.SEQUENCE, 5).getSequence())
                .as("one past the latest is where the next record will be")
                .isEqualTo(5);
        GetCursorResult byTime = client.getCursor(P, "cursors", "0", CursorType.SYSTEM_TIME, t0 + 1500);
        assertThat(byTime.getSequence()).isEqualTo(2);
        assertThat(byTime.getTimestamp()).isEqualTo(t0 + 2000);
        assertThat(client.getCursor(P, "cursors", "0", CursorType.SYSTEM_TIME, t0 + 4001)
                        .getSequence())
                .isEqualTo(5);

        // LATEST is inclusive: reading from it returns the newest record again
        List<RecordEntry> fromLatest =
                client.getRecords(P, "cursors", "0", latest.getCursor(), 10).getRecords();
        assertThat(blobs(fromLatest)).containsExactly("r4");
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void readingFollowsNextCursorAndWaitsAtTheEndOfAnActiveShard(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "paging", 1, null);
        for (int i = 0; i < 2500; i++) emulator.appendBlob(P, "paging", "0", ("r" + i).getBytes(UTF_8));
        String cursor = client.getCursor(P, "paging", "0", CursorType.OLDEST).getCursor();
        List<String> read = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        GetRecordsResult page;
        do {
            page = client.getRecords(P, "paging", "0", cursor, 5000); // the SDK clamps to 1000
            pageSizes.add(page.getRecordCount());
            read.addAll(blobs(page.getRecords()));
            assertThat(page.getLatestSequence()).isEqualTo(2499);
            cursor = page.getNextCursor();
        } while (page.getRecordCount() > 0);
        assertThat(pageSizes).containsExactly(1000, 1000, 500, 0);
        assertThat(read).hasSize(2500).startsWith("r0", "r1").endsWith("r2499");
        assertThat(page.getNextCursor()).as("an empty read keeps the cursor").isEqualTo(cursor);

        emulator.appendBlob(P, "paging", "0", "late".getBytes(UTF_8));
        assertThat(blobs(client.getRecords(P, "paging", "0", cursor, 10).getRecords()))
                .containsExactly("late");
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void putRecordsByShardAppendsToThatShard(DataHubProtocol protocol) {
        DatahubClient client = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "byshard", 2, null);
        if (protocol == DataHubProtocol.JSON) {
            // The SDK's JSON client refuses before sending anything.
            assertThatThrownBy(() -> client.putRecordsByShard(P, "byshard", "1", List.of(blob("x"))))
                    .isInstanceOf(DatahubClientException.class)
                    .hasMessageContaining("not supported");
            assertThat(emulator.calls().of(DataHubAction.PUT_RECORDS_BY_SHARD)).isZero();
            return;
        }
        client.putRecordsByShard(P, "byshard", "1", List.of(blob("a"), blob("b")));
        assertThat(blobs(emulator.records(P, "byshard", "1"))).containsExactly("a", "b");
        assertThat(emulator.records(P, "byshard", "0")).isEmpty();
    }

    private static RecordEntry entry(TupleRecordData data, String shardId, Map<String, String> attributes) {
        RecordEntry e = new RecordEntry();
        e.setRecordData(data);
        e.setShardId(shardId);
        attributes.forEach(e::addAttribute);
        return e;
    }

    static RecordEntry blob(String text) {
        RecordEntry e = new RecordEntry();
        e.setRecordData(new BlobRecordData(text.getBytes(UTF_8)));
        return e;
    }

    static List<String> blobs(List<?> records) {
        List<String> out = new ArrayList<>();
        for (Object o : records) {
            if (o instanceof StoredRecord) out.add(new String(((StoredRecord) o).blob(), UTF_8));
            else out.add(new String(((BlobRecordData) ((RecordEntry) o).getRecordData()).getData(), UTF_8));
        }
        return out;
    }
}
