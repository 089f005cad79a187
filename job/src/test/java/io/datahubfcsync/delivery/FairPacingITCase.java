package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code delivery.max-records-per-second} divided over shards, not subtasks, on a MiniCluster at
 * parallelism 2 with the shards placed unevenly on the delivery subtasks (the shard ids are picked
 * by Flink's key-group assignment of the {@code keyBy(shardId)}). The real FC SDK invokes a function
 * hosted by the FC emulator; rates are what the emulator received.
 */
class FairPacingITCase {
    private static final int PARALLELISM = 2;
    private static final int MAX_PARALLELISM = 128;
    private static final int RATE = 200;
    private static final int BATCH = 10;
    private static final int PER_SHARD = 3_000; // 60 s of backlog per shard at a quarter of the rate
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration WINDOW = Duration.ofSeconds(20);

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(PARALLELISM);

    @RegisterExtension
    static final FcEmulatorExtension FC = FcEmulatorExtension.withFunction(
                    FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo())
            .invocationLogCapacity(100_000);

    private JobClient job;

    @AfterEach
    void cancel() throws Exception {
        if (job != null) job.cancel().get(30, TimeUnit.SECONDS);
        FC.invocations().clear();
    }

    @Test
    void threeShardsOnOneSubtaskAndOneOnTheOtherEachGetAQuarterOfTheRate() throws Exception {
        List<String> shards = new ArrayList<>(shardsOf(0, 3));
        shards.addAll(shardsOf(1, 1));
        job = startPacedJob(shards);

        Map<String, Long> perShard = deliveredPerShard(shards);
        long total = perShard.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(
                "paced at %d/s, shards %s on subtask 0 and %s on subtask 1: %s records over %s, %.1f/s in all%n",
                RATE, shards.subList(0, 3), shards.get(3), perShard, WINDOW, total / (double) WINDOW.toSeconds());
        double fair = RATE / 4.0 * WINDOW.toSeconds();
        perShard.forEach((shard, records) -> assertThat((double) records)
                .as("records of shard %s over %s (a quarter of the rate is %.0f)", shard, WINDOW, fair)
                .isBetween(fair * 0.85, fair * 1.15));
        assertThat(total / (double) WINDOW.toSeconds())
                .as("records per second of the whole job")
                .isBetween(RATE * 0.9, RATE * 1.1);
    }

    @Test
    void whenOneSubtaskHasNothingToSendTheOtherUsesTheWholeRate() throws Exception {
        List<String> shards = shardsOf(0, 4);
        job = startPacedJob(shards);

        Map<String, Long> perShard = deliveredPerShard(shards);
        long total = perShard.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(
                "paced at %d/s, all shards %s on subtask 0: %s records over %s, %.1f/s in all%n",
                RATE, shards, perShard, WINDOW, total / (double) WINDOW.toSeconds());
        assertThat(total / (double) WINDOW.toSeconds())
                .as("records per second of the whole job, all of it on one subtask")
                .isBetween(RATE * 0.9, RATE * 1.1);
    }

    /** The first {@code count} shard ids ("0", "1", ...) whose records the delivery subtask {@code subtask} holds. */
    private static List<String> shardsOf(int subtask, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < count; i++) {
            String id = Integer.toString(i);
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, PARALLELISM) == subtask)
                ids.add(id);
        }
        return ids;
    }

    private static JobClient startPacedJob(List<String> shards) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.setMaxParallelism(MAX_PARALLELISM);
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(BATCH)
                .maxRecordsPerSecond(RATE)
                .build();
        String[] ids = shards.toArray(new String[0]);
        TestRecordSource.RecordAt roundRobin = i -> {
            long seq = i / ids.length;
            return ShardRecord.tuple(
                    ids[(int) (i % ids.length)], seq, 1000 * (seq + 1), new String[] {"v" + i, Long.toString(seq)});
        };
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.thenIdle(roundRobin, (long) PER_SHARD * ids.length, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        return env.executeAsync("fairly paced delivery");
    }

    /** Records FC accepted per shard in the window that starts {@link #WARM_UP} after the first call. */
    private static Map<String, Long> deliveredPerShard(List<String> shards) {
        Instant from =
                DeliveredBatches.firstReceived(() -> FC.invocations().all()).plus(WARM_UP);
        List<Batch> calls =
                DeliveredBatches.receivedBetween(() -> FC.invocations().all(), from, from.plus(WINDOW));
        assertThat(calls).as("every call succeeded").allMatch(Batch::succeeded);
        Map<String, Long> perShard = new TreeMap<>();
        for (String shard : shards) perShard.put(shard, 0L);
        perShard.putAll(calls.stream()
                .collect(Collectors.groupingBy(
                        Batch::shard,
                        TreeMap::new,
                        Collectors.summingLong(b -> b.sequences().size()))));
        return perShard;
    }
}
