package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.delivery.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.DeliveredBatches.Batch;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.TestRecordSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static FcEmulator fc;

    @BeforeAll
    static void startFc() {
        fc = FcEmulator.builder().invocationLogCapacity(100_000).start();
        fc.deployFunction(SERVICE, FUNCTION, new TestFunctions.Echo());
    }

    @AfterAll
    static void stopFc() {
        if (fc != null) fc.close();
    }

    @BeforeEach
    void resetFc() {
        fc.faults().clear();
        fc.invocations().clear();
        fc.invocations().resetMaxInFlight();
    }

    static FunctionInvokerFactory invokers() {
        return FcTestBed.invokers(fc);
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
        fc.faults().add(Fault.latency(Duration.ofMillis(40))); // a slow function, so shards overlap if they can
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FcDelivery.attach(records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(shards), shards * perShard)),
                config().batchMaxRecords(4).maxConcurrency(6).build(), invokers());

        env.execute("order and concurrency");

        List<Batch> batches = DeliveredBatches.of(fc.invocations().all());
        Map<String, List<Long>> delivered = deliveredPerShard(batches);
        assertThat(delivered).hasSize(shards);
        delivered.forEach((shard, seqs) -> assertThat(seqs).as("shard %s", shard).isEqualTo(range(0, perShard)));
        assertThat(batches).allSatisfy(b -> assertThat(b.sequences()).hasSizeBetween(1, 4));
        // at most one invocation of a shard at a time: each starts after the previous one of its shard ended
        for (String shard : delivered.keySet()) {
            List<Batch> ofShard = batches.stream().filter(b -> b.shard().equals(shard)).toList();
            for (int i = 1; i < ofShard.size(); i++) {
                assertThat(ofShard.get(i).received()).as("shard %s batch %d", shard, i)
                        .isAfterOrEqualTo(ofShard.get(i - 1).finished());
            }
        }
        // two subtasks, yet more invocations than that ran at once: shards of one subtask overlap in time
        assertThat(fc.invocations().maxInFlight()).isGreaterThan(2).isLessThanOrEqualTo(2 * 6);
    }

    @Test
    void retriesAFailedBatchAfterTheIntervalWithTheSameEvent() throws Exception {
        fc.faults().add(Fault.functionError("boom").times(3));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FcDelivery.attach(records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(1), 3)),
                config().retryInterval(Duration.ofMillis(200)).build(), invokers());

        env.execute("retry");

        List<Batch> all = DeliveredBatches.of(fc.invocations().all());
        assertThat(deliveredPerShard(all).get("0")).isEqualTo(range(0, 3));
        List<Batch> batches = all.subList(0, 4); // the first batch: 3 failed attempts, then success
        assertThat(batches).extracting(Batch::succeeded).containsExactly(false, false, false, true);
        assertThat(batches).extracting(Batch::payload).containsOnly(batches.get(0).payload());
        assertThat(all.subList(4, all.size())).allSatisfy(b -> assertThat(b.succeeded()).isTrue());
        for (int i = 1; i < batches.size(); i++) {
            Duration pause = Duration.between(batches.get(i - 1).finished(), batches.get(i).received());
            assertThat(pause).as("pause before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofMillis(200 + 3000));
        }
    }

    @Test
    void waitsOneSecondBetweenAttemptsByDefault() throws Exception {
        fc.faults().add(Fault.functionError("once").times(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FcDelivery.attach(records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(1), 2)),
                config().build(), invokers());

        env.execute("default retry interval");

        List<Batch> all = DeliveredBatches.of(fc.invocations().all());
        assertThat(deliveredPerShard(all).get("0")).isEqualTo(range(0, 2));
        List<Batch> batches = all.subList(0, 2);
        assertThat(batches).extracting(Batch::succeeded).containsExactly(false, true);
        assertThat(batches.get(1).payload()).isEqualTo(batches.get(0).payload());
        Duration pause = Duration.between(batches.get(0).finished(), batches.get(1).received());
        assertThat(pause).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(4));
    }
}
