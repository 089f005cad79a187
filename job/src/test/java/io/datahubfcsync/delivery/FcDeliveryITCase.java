package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery operator on a MiniCluster, invoking a real FC Java function hosted by the FC
 * emulator through the real FC SDK over HTTP. Records come from a small test source (the DataHub
 * source is tested on its own).
 */
class FcDeliveryITCase {
    static final String SERVICE = FcTestBed.SERVICE;
    static final String FUNCTION = FcTestBed.FUNCTION;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension
    static final FcEmulatorExtension FC = FcEmulatorExtension.withFunction(
                    FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo())
            .invocationLogCapacity(100_000);

    static FunctionInvokerFactory invokers() {
        return FcTestBed.invokers(FC.emulator());
    }

    static DeliveryConfig.Builder config() {
        return FcTestBed.config();
    }

    static DataStream<ShardRecord> records(StreamExecutionEnvironment env, TestRecordSource source) {
        return FcTestBed.records(env, source);
    }

    @Test
    void keepsEachShardInOrderWhileShardsAreInvokedConcurrently() throws Exception {
        int shards = 12;
        int perShard = 20;
        FC.faults().add(Fault.latency(Duration.ofMillis(40))); // a slow function, so shards overlap if they can
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FcDelivery.attach(
                records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(shards), shards * perShard)),
                config().batchMaxRecords(4).maxConcurrency(6).build(),
                invokers());

        env.execute("order and concurrency");

        List<Batch> batches = DeliveredBatches.of(FC.invocations().all());
        Map<String, List<Long>> delivered = deliveredPerShard(batches);
        assertThat(delivered).hasSize(shards);
        delivered.forEach(
                (shard, seqs) -> assertThat(seqs).as("shard %s", shard).isEqualTo(range(0, perShard)));
        assertThat(batches).allSatisfy(b -> assertThat(b.sequences()).hasSizeBetween(1, 4));
        // at most one invocation of a shard at a time: each starts after the previous one of its shard ended
        for (String shard : delivered.keySet()) {
            List<Batch> ofShard =
                    batches.stream().filter(b -> b.shard().equals(shard)).toList();
            for (int i = 1; i < ofShard.size(); i++) {
                assertThat(ofShard.get(i).received())
                        .as("shard %s batch %d", shard, i)
                        .isAfterOrEqualTo(ofShard.get(i - 1).finished());
            }
        }
        // two subtasks, yet more invocations than that ran at once: shards of one subtask overlap in time
        assertThat(FC.invocations().maxInFlight()).isGreaterThan(2).isLessThanOrEqualTo(2 * 6);
    }

    @Test
    void retriesAFailedBatchAfterTheIntervalWithTheSameEvent() throws Exception {
        FC.faults().add(Fault.functionError("boom").times(3));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FcDelivery.attach(
                records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(1), 3)),
                config().retryInterval(Duration.ofMillis(200)).build(),
                invokers());

        env.execute("retry");

        List<Batch> all = DeliveredBatches.of(FC.invocations().all());
        assertThat(deliveredPerShard(all).get("0")).isEqualTo(range(0, 3));
        List<Batch> batches = all.subList(0, 4); // the first batch: 3 failed attempts, then success
        assertThat(batches).extracting(Batch::succeeded).containsExactly(false, false, false, true);
        assertThat(batches)
                .extracting(Batch::payload)
                .containsOnly(batches.get(0).payload());
        assertThat(all.subList(4, all.size()))
                .allSatisfy(b -> assertThat(b.succeeded()).isTrue());
        for (int i = 1; i < batches.size(); i++) {
            Duration pause = Duration.between(
                    batches.get(i - 1).finished(), batches.get(i).received());
            assertThat(pause)
                    .as("pause before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200))
                    .isLessThan(Duration.ofMillis(200 + 3000));
        }
    }

    @Test
    void waitsOneSecondBetweenAttemptsByDefault() throws Exception {
        FC.faults().add(Fault.functionError("once").times(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FcDelivery.attach(
                records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(1), 2)),
                config().build(),
                invokers());

        env.execute("default retry interval");

        List<Batch> all = DeliveredBatches.of(FC.invocations().all());
        assertThat(deliveredPerShard(all).get("0")).isEqualTo(range(0, 2));
        List<Batch> batches = all.subList(0, 2);
        assertThat(batches).extracting(Batch::succeeded).containsExactly(false, true);
        assertThat(batches.get(1).payload()).isEqualTo(batches.get(0).payload());
        Duration pause =
                Duration.between(batches.get(0).finished(), batches.get(1).received());
        assertThat(pause).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void exhaustedBatchesAndUnsendableRecordsGoToTheDeadLetterTopicAndTheShardGoesOn() throws Exception {
        try (DataHubEmulator dh = DataHubEmulator.start()) {
            dh.createProject("proj").createTopic("proj", "dlq", 1, null);
            // BLOB records; shard 1's sequence 2 is not UTF-8, shard 0's batch holding 0:3 always fails
            TestRecordSource.RecordAt blobs = i -> {
                String shard = Long.toString(i % 2);
                long seq = i / 2;
                byte[] data = shard.equals("1") && seq == 2
                        ? new byte[] {(byte) 0xFF, 'x'}
                        : ("blob " + i).getBytes(StandardCharsets.UTF_8);
                return ShardRecord.blob(shard, seq, 1000 * (seq + 1), data);
            };
            FC.faults().add(Fault.functionError("always broken").whenEventId("0:3"));
            DataHubConnection dlq =
                    new DataHubConnection(dh.endpoint(), DataHubProtocol.PROTOBUF, CredentialsSource.fromEnvironment());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            FcDelivery.attach(
                    records(env, TestRecordSource.bounded(blobs, 12)),
                    config().batchMaxRecords(3)
                            .retryInterval(Duration.ofMillis(50))
                            .retryMaxAttempts(2)
                            .deadLetter("dlq", dlq)
                            .build(),
                    invokers());

            env.execute("dead letters");

            List<Batch> batches = DeliveredBatches.of(FC.invocations().all());
            List<Batch> failed = batches.stream().filter(b -> !b.succeeded()).toList();
            assertThat(failed)
                    .hasSize(2)
                    .extracting(Batch::payload)
                    .containsOnly(failed.get(0).payload());
            Batch exhausted = failed.get(0);
            List<Long> shard0 = new ArrayList<>(range(0, 6));
            shard0.removeAll(exhausted.sequences());
            assertThat(deliveredPerShard(batches).get("0")).isEqualTo(shard0);
            assertThat(deliveredPerShard(batches).get("1")).containsExactly(0L, 1L, 3L, 4L, 5L);

            List<StoredRecord> letters = dh.records("proj", "dlq", "0");
            assertThat(letters).hasSize(2);
            StoredRecord ofShard0 = letters.stream()
                    .filter(r -> r.attributes().get("shardId").equals("0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(new String(ofShard0.blob(), StandardCharsets.UTF_8)).isEqualTo(exhausted.payload());
            assertThat(ofShard0.attributes())
                    .containsEntry("reason", "exhausted")
                    .containsEntry("attempts", "2")
                    .containsEntry("sourceProject", "proj")
                    .containsEntry("sourceTopic", "topic")
                    .containsEntry("firstSequence", Long.toString(exhausted.first()))
                    .containsEntry("lastSequence", Long.toString(exhausted.last()));
            assertThat(ofShard0.attributes().get("error")).contains("always broken");
            assertThat(ofShard0.attributes().get("requestId")).isNotEmpty();

            StoredRecord ofShard1 = letters.stream()
                    .filter(r -> r.attributes().get("shardId").equals("1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(ofShard1.attributes())
                    .containsEntry("reason", "data-error")
                    .containsEntry("firstSequence", "2")
                    .containsEntry("attempts", "0");
            assertThat(ofShard1.attributes().get("error")).contains("not valid UTF-8");
            assertThat(new String(ofShard1.blob(), StandardCharsets.UTF_8))
                    .contains(
                            "\"eventId\":\"1:2\"",
                            "\"data\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xFF, 'x'}) + "\"");
        }
    }

    @Test
    void fullBatchesByRecordsAndByBytesGoAtOnceWhilePartialOnesWait() throws Exception {
        // shard 0: small records, cut by batch.max-records=5; shard 1: ~600-byte records, cut by batch.max-bytes=2 KiB.
        // batch.max-wait is an hour, so only full batches go out while the source stays open.
        TestRecordSource.RecordAt records = i -> {
            String shard = Long.toString(i % 2);
            long seq = i / 2;
            String value = shard.equals("0") ? "small " + seq : "x".repeat(600);
            return ShardRecord.tuple(shard, seq, 1000 + seq, new String[] {value});
        };
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DeliveryConfig config = config().batchMaxRecords(5)
                .batchMaxBytes(2048)
                .batchMaxWait(Duration.ofHours(1))
                .build();
        FcDelivery.attach(records(env, TestRecordSource.thenIdle(records, 2 * 23, 0)), config, invokers());

        JobClient job = env.executeAsync("batch limits");
        List<Batch> batches;
        try {
            // shard 1: 2 records fill 2 KiB (a third would not fit), so 10 full batches hold 0..19
            batches = Await.value(
                    "4 full batches of shard 0 and 10 of shard 1",
                    Duration.ofSeconds(60),
                    () -> DeliveredBatches.of(FC.invocations().all()),
                    l -> deliveredPerShard(l).getOrDefault("0", List.of()).size() >= 20
                            && deliveredPerShard(l).getOrDefault("1", List.of()).size() >= 20);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        List<Batch> shard0 = batches.stream().filter(b -> b.shard().equals("0")).toList();
        assertThat(shard0).hasSize(4).allSatisfy(b -> assertThat(b.sequences()).hasSize(5)); // 3 records still wait
        assertThat(deliveredPerShard(batches).get("0")).isEqualTo(range(0, 20));

        EventEncoder encoder = new EventEncoder("proj", "topic", "cn-hangzhou", BlobEncoding.UTF8);
        List<Batch> shard1 = batches.stream().filter(b -> b.shard().equals("1")).toList();
        assertThat(shard1).hasSizeGreaterThanOrEqualTo(10);
        assertThat(deliveredPerShard(batches).get("1"))
                .isEqualTo(range(0, shard1.get(shard1.size() - 1).last() + 1));
        for (Batch b : shard1) {
            assertThat(b.bytes()).isLessThanOrEqualTo(2048);
            // full: with the next record it would not have fitted
            List<ShardRecord> withNext = new ArrayList<>();
            for (long s = b.first(); s <= b.last() + 1; s++) withNext.add(records.at(2 * s + 1));
            assertThat(encoder.encode(withNext, 100, Long.MAX_VALUE).json().length)
                    .isGreaterThan(2048);
        }
    }

    @Test
    void aPartialBatchIsSentWhenBatchMaxWaitRunsOut() throws Exception {
        // one record every 40 ms; each batch waits up to 300 ms from its first record, so it gathers several
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DeliveryConfig config = config().batchMaxRecords(100)
                .batchMaxWait(Duration.ofMillis(300))
                .build();
        FcDelivery.attach(
                records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(1), 20, 40)), config, invokers());

        JobClient job = env.executeAsync("batch wait");
        List<Batch> batches;
        try {
            batches = Await.value(
                    "all 20 records delivered",
                    Duration.ofSeconds(60),
                    () -> DeliveredBatches.of(FC.invocations().all()),
                    l -> deliveredPerShard(l).getOrDefault("0", List.of()).size() >= 20);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        assertThat(deliveredPerShard(batches).get("0")).isEqualTo(range(0, 20));
        // without the wait every record would go alone (the function answers in about a millisecond)
        assertThat(batches.size()).isLessThan(10);
        assertThat(batches).anySatisfy(b -> assertThat(b.sequences().size()).isGreaterThanOrEqualTo(3));
        // batch.max-records (100) was never reached and the source never ends: only the wait timer sent these
        assertThat(batches).allSatisfy(b -> assertThat(b.sequences().size()).isLessThan(100));
    }
}
