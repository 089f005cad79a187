package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.local.datahub.DataHubAction;
import io.datahubfcsync.local.datahub.DataHubFault;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import io.datahubfcsync.testing.KitConnections;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catch-up reader over the real DataHub SDK against the DataHub emulator over HTTP. */
class ShardRangeReaderTest {
    private static final String PROJECT = "range_reader";

    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject(PROJECT);

    private static int topics;

    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final ReaderCounters counters = new ReaderCounters();
    private final List<ShardRangeReader> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ShardRangeReader::close);
        pool.shutdownNow();
        DATAHUB.emulator().faults().clear();
    }

    private static String blobTopic(int shards) {
        String topic = "blobs_" + topics++;
        DATAHUB.emulator().createTopic(PROJECT, topic, shards, null);
        return topic;
    }

    private static void appendBlobs(String topic, String shard, int n) {
        for (int i = 0; i < n; i++) {
            DATAHUB.emulator().appendBlob(PROJECT, topic, shard, (shard + "/" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static DataHubSourceConfig config(String topic, Consumer<DataHubSourceConfig.Builder> tweak) {
        DataHubSourceConfig.Builder b = DataHubSourceConfig.builder()
                .connection(KitConnections.dataHub(DATAHUB.emulator()))
                .project(PROJECT)
                .topic(topic)
                .startPosition(StartPosition.oldest())
                .retryBackoffMax(Duration.ofMillis(500));
        tweak.accept(b);
        return b.build();
    }

    private ShardRangeReader open(DataHubSourceConfig config, String shard, long from) {
        ShardRangeReader r = ShardRangeReader.open(config, counters, shard, from);
        opened.add(r);
        return r;
    }

    /** Calls next on the pool thread, as the delivery side does. */
    private ShardRangeReader.Batch next(ShardRangeReader r, int max) throws Exception {
        return pool.submit(() -> r.next(max)).get(30, TimeUnit.SECONDS);
    }

    private static List<Long> sequences(List<ShardRecord> records) {
        return records.stream().map(r -> r.sequence).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) l.add(i);
        return l;
    }

    @Test
    void reReadsFromAFirstSequenceInOrderInBoundedBatchesUntilStopped() throws Exception {
        String topic = blobTopic(1);
        appendBlobs(topic, "0", 250);
        ShardRangeReader r = open(config(topic, b -> {}), "0", 37);

        List<ShardRecord> got = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        ShardRangeReader.Batch batch;
        do {
            batch = next(r, 100);
            sizes.add(batch.records().size());
            got.addAll(batch.records());
        } while (!batch.records().isEmpty());
        assertThat(sequences(got)).containsExactlyElementsOf(range(37, 250));
        assertThat(sizes).containsExactly(100, 100, 13, 0);
        assertThat(batch.retryAfterMs())
                .as("caught up with the shard's head: call again a little later")
                .isPositive();
        assertThat(batch.shardEnded()).isFalse();
        assertThat(new String(got.get(0).blob, StandardCharsets.UTF_8)).isEqualTo("0/37");

        appendBlobs(topic, "0", 5);
        assertThat(sequences(next(r, 100).records())).containsExactlyElementsOf(range(250, 255));

        long reads = DATAHUB.emulator().calls().of(DataHubAction.GET_RECORDS);
        r.stop();
        ShardRangeReader.Batch afterStop = next(r, 100);
        assertThat(afterStop.records()).isEmpty();
        assertThat(afterStop.shardEnded()).isTrue();
        assertThat(DATAHUB.emulator().calls().of(DataHubAction.GET_RECORDS))
                .as("no call once stopped")
                .isEqualTo(reads);
    }

    @Test
    void reReadRecordsEqualWhatTheSourceEmitted_tuplesRenderedTheSameWay() throws Exception {
        RecordSchema schema = new RecordSchema();
        schema.addField(new Field("id", FieldType.BIGINT));
        schema.addField(new Field("price", FieldType.DOUBLE));
        schema.addField(new Field("at", FieldType.TIMESTAMP));
        String topic = "tuples_" + topics++;
        DATAHUB.emulator().createTopic(PROJECT, topic, 1, schema);
        for (int i = 0; i < 20; i++) {
            DATAHUB.emulator()
                    .appendTuple(PROJECT, topic, "0", String.valueOf(i), i % 3 == 0 ? null : "2.5", "1763712000123456");
        }
        DataHubSourceConfig config = config(topic, b -> {});

        // what the source's split reader emits for the shard
        List<ShardRecord> fromSource = new ArrayList<>();
        try (DataHubClient client = config.clientFactory().create()) {
            DataHubSplitReader source = new DataHubSplitReader(client, config, counters, System::currentTimeMillis);
            source.handleSplitsChanges(new SplitsAddition<>(
                    List.of(new ShardSplit("0", List.of(), "0", "F", CursorPosition.oldest(), false))));
            RecordsWithSplitIds<ShardRecord> fetched = source.fetch();
            for (String s = fetched.nextSplit(); s != null; s = fetched.nextSplit()) {
                for (ShardRecord rec = fetched.nextRecordFromSplit();
                        rec != null;
                        rec = fetched.nextRecordFromSplit()) {
                    fromSource.add(rec);
                }
            }
        }
        List<ShardRecord> reRead = next(open(config, "0", 5), 1000).records();
        assertThat(reRead).hasSize(15);
        for (ShardRecord rec : reRead) {
            ShardRecord emitted = fromSource.get((int) rec.sequence);
            assertThat(rec.tuple).containsExactly(emitted.tuple);
            assertThat(rec.systemTime).isEqualTo(emitted.systemTime);
        }
        assertThat(reRead.get(1).tuple).containsExactly("6", null, "1763712000123456");
    }

    @Test
    void anExpiredRangeFailsNamingProjectTopicShardAndTheLostRange() {
        String topic = blobTopic(2);
        appendBlobs(topic, "1", 100);
        DATAHUB.emulator().expireBefore(PROJECT, topic, "1", 60);
        ShardRangeReader r = open(config(topic, b -> {}), "1", 40);
        assertThatThrownBy(() -> r.next(100))
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("shard 1 in DataHub project " + PROJECT + " topic " + topic)
                .hasMessageContaining("sequences 40..59 (20 records)")
                .hasMessageContaining("oldest retained sequence is 60")
                .hasMessageContaining("datahub.on-expired-position=oldest")
                .satisfies(e -> {
                    LostRecordsException lost = (LostRecordsException) e;
                    assertThat(lost.firstLostSequence()).isEqualTo(40);
                    assertThat(lost.firstRetainedSequence()).isEqualTo(60);
                });
    }

    @Test
    void anExpiredRangeContinuesFromTheOldestRetainedRecordAndReportsHowManyWereSkipped() throws Exception {
        String topic = blobTopic(1);
        appendBlobs(topic, "0", 100);
        DATAHUB.emulator().expireBefore(PROJECT, topic, "0", 70);
        ShardRangeReader r = open(config(topic, b -> b.onExpiredPosition(OnExpiredPosition.OLDEST)), "0", 25);

        ShardRangeReader.Batch batch = next(r, 1000);
        assertThat(batch.skippedRecords()).isEqualTo(45);
        assertThat(sequences(batch.records())).containsExactlyElementsOf(range(70, 100));
        assertThat(counters.expiredRecordsSkipped()).isEqualTo(45);
    }

    @Test
    void recordsThatExpireWhileBeingReReadAreNoticedWhenTheCursorIsRejected() throws Exception {
        String topic = blobTopic(1);
        appendBlobs(topic, "0", 300);
        ShardRangeReader r = open(config(topic, b -> b.onExpiredPosition(OnExpiredPosition.OLDEST)), "0", 0);
        assertThat(sequences(next(r, 100).records())).containsExactlyElementsOf(range(0, 100));

        DATAHUB.emulator().expireBefore(PROJECT, topic, "0", 150);
        List<ShardRecord> got = new ArrayList<>();
        long skipped = 0;
        for (int i = 0; i < 10 && got.size() < 150; i++) {
            ShardRangeReader.Batch b = next(r, 100);
            got.addAll(b.records());
            skipped += b.skippedRecords();
        }
        assertThat(skipped).isEqualTo(50);
        assertThat(sequences(got)).containsExactlyElementsOf(range(150, 300));
    }

    @Test
    void aClosedShardEndsTheRangeAndSoDoesTheStopTime() throws Exception {
        String topic = blobTopic(1);
        appendBlobs(topic, "0", 30);
        DATAHUB.emulator().splitShard(PROJECT, topic, "0");
        ShardRangeReader sealed = open(config(topic, b -> {}), "0", 10);
        assertThat(sequences(next(sealed, 1000).records())).containsExactlyElementsOf(range(10, 30));
        assertThat(next(sealed, 1000).shardEnded()).isTrue();

        String timed = blobTopic(1);
        appendBlobs(timed, "0", 10);
        long stop = System.currentTimeMillis() + 1;
        while (System.currentTimeMillis() <= stop) Thread.onSpinWait();
        appendBlobs(timed, "0", 10);
        ShardRangeReader bounded = open(config(timed, b -> b.stopAtMs(stop)), "0", 4);
        ShardRangeReader.Batch batch = next(bounded, 1000);
        assertThat(sequences(batch.records())).containsExactlyElementsOf(range(4, 10));
        assertThat(batch.shardEnded()).isTrue();
    }

    @Test
    void transientErrorsAskForALaterCallInsteadOfFailingOrSleeping() throws Exception {
        String topic = blobTopic(1);
        appendBlobs(topic, "0", 20);
        ShardRangeReader r = open(config(topic, b -> {}), "0", 0);
        DATAHUB.emulator().faults().failNext(2, DataHubFault.LIMIT_EXCEEDED, DataHubAction.GET_RECORDS);

        List<Long> delays = new ArrayList<>();
        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 5 && got.size() < 20; i++) {
            ShardRangeReader.Batch b = next(r, 100);
            if (b.records().isEmpty()) delays.add(b.retryAfterMs());
            got.addAll(b.records());
        }
        assertThat(delays).hasSize(2).allSatisfy(d -> assertThat(d).isPositive());
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 20));
    }
}
