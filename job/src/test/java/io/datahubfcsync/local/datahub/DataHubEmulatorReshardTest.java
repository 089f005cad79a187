package io.datahubfcsync.local.datahub;

import static io.datahubfcsync.local.datahub.DataHubEmulatorRoundTripTest.blob;
import static io.datahubfcsync.local.datahub.DataHubEmulatorRoundTripTest.blobs;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.InvalidParameterException;
import com.aliyun.datahub.client.exception.ShardSealedException;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.MergeShardResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.ShardEntry;
import com.aliyun.datahub.client.model.ShardState;
import com.aliyun.datahub.client.model.SplitShardResult;
import io.datahubfcsync.datahub.DataHubProtocol;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Split, merge and expiry as the real SDK sees them. */
class DataHubEmulatorReshardTest {
    private static final String P = "proj_reshard";
    private static final String ZERO = "00000000000000000000000000000000";
    private static final String MID = "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
    private static final String TOP = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
    private DataHubEmulator emulator;

    @BeforeEach
    void start() {
        emulator = DataHubEmulator.start();
        emulator.createProject(P);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void splitClosesTheParentAndReadsContinueInTheChildren(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "t", 1, null);
        emulator.appendBlob(P, "t", "0", "before".getBytes(UTF_8));

        SplitShardResult split = c.splitShard(P, "t", "0"); // SDK: listShard, then split at the middle
        assertThat(split.getNewShards()).extracting(ShardEntry::getShardId).containsExactly("1", "2");
        assertThat(split.getNewShards()).extracting(ShardEntry::getBeginHashKey).containsExactly(ZERO, MID);
        assertThat(split.getNewShards()).extracting(ShardEntry::getEndHashKey).containsExactly(MID, TOP);

        Map<String, ShardEntry> shards = byId(c.listShard(P, "t").getShards());
        assertThat(shards.get("0").getState()).isEqualTo(ShardState.CLOSED);
        assertThat(shards.get("0").getClosedTime()).isPositive();
        assertThat(shards.get("0").getLeftShardId()).isNull();
        assertThat(shards.get("0").getRightShardId()).isNull();
        for (String child : List.of("1", "2")) {
            assertThat(shards.get(child).getState()).isEqualTo(ShardState.ACTIVE);
            assertThat(shards.get(child).getParentShardIds()).containsExactly("0");
        }
        assertThat(shards.get("1").getRightShardId()).isEqualTo("2");
        assertThat(shards.get("2").getLeftShardId()).isEqualTo("1");

        // Routing now goes to the children only.
        RecordEntry low = blob("low");
        low.setHashKey("00000000000000000000000000000001");
        RecordEntry high = blob("high");
        high.setHashKey("80000000000000000000000000000000");
        assertThat(c.putRecords(P, "t", List.of(low, high)).getFailedRecordCount())
                .isZero();

        assertThat(readToEnd(c, "0")).containsExactly("before");
        assertThat(readAvailable(c, "1")).containsExactly("low");
        assertThat(readAvailable(c, "2")).containsExactly("high");
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void mergeJoinsAdjacentShardsOnly(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "m", 3, null);
        emulator.appendBlob(P, "m", "0", "a".getBytes(UTF_8));
        emulator.appendBlob(P, "m", "1", "b".getBytes(UTF_8));

        assertThatThrownBy(() -> c.mergeShard(P, "m", "0", "2"))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("not adjacent");
        MergeShardResult merged = c.mergeShard(P, "m", "0", "1");
        assertThat(merged.getShardId()).isEqualTo("3");
        assertThat(merged.getBeginHashKey()).isEqualTo(ZERO);
        assertThat(merged.getEndHashKey()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        Map<String, ShardEntry> shards = byId(c.listShard(P, "m").getShards());
        assertThat(shards.get("0").getState()).isEqualTo(ShardState.CLOSED);
        assertThat(shards.get("1").getState()).isEqualTo(ShardState.CLOSED);
        assertThat(shards.get("3").getParentShardIds()).containsExactly("0", "1");
        assertThat(shards.get("3").getRightShardId()).isEqualTo("2");
        assertThat(shards.get("2").getLeftShardId()).isEqualTo("3");
        assertThat(c.getTopic(P, "m").getShardCount()).as("ACTIVE shards").isEqualTo(2);

        // CLOSED shards can neither merge nor split again.
        assertThatThrownBy(() -> c.mergeShard(P, "m", "1", "2")).isInstanceOf(ShardSealedException.class);
        assertThatThrownBy(() -> c.splitShard(P, "m", "0", "10000000000000000000000000000000"))
                .isInstanceOf(ShardSealedException.class);
        assertThat(readToEnd(c, "0")).containsExactly("a");
        assertThat(readToEnd(c, "1")).containsExactly("b");
    }

    @Test
    void splitKeyMustLieInsideTheShard() {
        DatahubClient c = SdkClients.client(emulator, DataHubProtocol.JSON);
        emulator.createTopic(P, "k", 2, null);
        assertThatThrownBy(() -> c.splitShard(P, "k", "0", "90000000000000000000000000000000"))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("key range");
        assertThat(emulator.shards(P, "k")).extracting(ShardSnapshot::state).containsOnly(ShardState.ACTIVE);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void expiryByTimeMovesTheOldestCursor(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "x", 2, null);
        emulator.appendBlob(P, "x", "0", "old".getBytes(UTF_8));
        StoredRecord last = emulator.appendBlob(P, "x", "1", "old-too".getBytes(UTF_8));

        // Both records are at or before the last one's time (the emulator's clock is the system clock here).
        assertThat(emulator.expireOlderThan(Instant.ofEpochMilli(last.systemTime() + 1)))
                .isEqualTo(2);
        for (String shard : List.of("0", "1")) {
            var oldest = c.getCursor(P, "x", shard, CursorType.OLDEST);
            assertThat(oldest.getSequence()).isEqualTo(1);
            assertThat(c.getRecords(P, "x", shard, oldest.getCursor(), 10).getRecordCount())
                    .isZero();
        }
        emulator.appendBlob(P, "x", "0", "new".getBytes(UTF_8));
        assertThat(readAvailable(c, "x", "0")).containsExactly("new");
        assertThat(emulator.shards(P, "x").get(0).oldestSequence()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(DataHubProtocol.class)
    void anExpiredClosedShardIsSealedRightAway(DataHubProtocol protocol) {
        DatahubClient c = SdkClients.client(emulator, protocol);
        emulator.createTopic(P, "e", 1, null);
        emulator.appendBlob(P, "e", "0", "gone".getBytes(UTF_8));
        emulator.splitShard(P, "e", "0");
        emulator.expireBefore(P, "e", "0", Long.MAX_VALUE);
        String oldest = c.getCursor(P, "e", "0", CursorType.OLDEST).getCursor();
        assertThatThrownBy(() -> c.getRecords(P, "e", "0", oldest, 10)).isInstanceOf(ShardSealedException.class);
    }

    private List<String> readToEnd(DatahubClient c, String shard) {
        return readToEnd(c, firstTopic(c), shard);
    }

    private static String firstTopic(DatahubClient c) {
        return c.listTopic(P).getTopicNames().get(0);
    }

    /** Reads a CLOSED shard until the SDK reports it sealed. */
    private static List<String> readToEnd(DatahubClient c, String topic, String shard) {
        String cursor = c.getCursor(P, topic, shard, CursorType.OLDEST).getCursor();
        List<String> out = new ArrayList<>();
        for (int call = 0; call < 100; call++) {
            try {
                var page = c.getRecords(P, topic, shard, cursor, 100);
                out.addAll(blobs(page.getRecords()));
                cursor = page.getNextCursor();
            } catch (ShardSealedException sealed) {
                return out;
            }
        }
        throw new AssertionError("shard " + shard + " never reported ShardSealed; read so far: " + out);
    }

    private List<String> readAvailable(DatahubClient c, String shard) {
        return readAvailable(c, firstTopic(c), shard);
    }

    private static List<String> readAvailable(DatahubClient c, String topic, String shard) {
        String cursor = c.getCursor(P, topic, shard, CursorType.OLDEST).getCursor();
        return blobs(c.getRecords(P, topic, shard, cursor, 100).getRecords());
    }

    private static Map<String, ShardEntry> byId(List<ShardEntry> shards) {
        return shards.stream().collect(Collectors.toMap(ShardEntry::getShardId, Function.identity()));
    }
}
