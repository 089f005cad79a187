package io.datahubfcsync.source;

import static io.datahubfcsync.source.EmittedRecords.range;
import static io.datahubfcsync.source.EmittedRecords.sequencesPerShard;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.local.datahub.DataHubAction;
import io.datahubfcsync.local.datahub.DataHubFault;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.source.EmittedRecords.Emitted;
import io.datahubfcsync.source.EmittedRecords.EmittedMarker;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import io.datahubfcsync.testing.KitConnections;
import io.datahubfcsync.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DataHubSource on a MiniCluster (parallelism 2), reading the DataHub emulator over HTTP through the
 * real DataHub SDK. Each test uses its own topic; jobs are bounded by a stop time where possible.
 */
class DataHubSourceITCase {
    private static final String PROJECT = "source_it";

    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject(PROJECT);

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(3);

    private static DataHubSourceConfig.Builder config(String topic, DataHubProtocol protocol) {
        return DataHubSourceConfig.builder()
                .connection(KitConnections.dataHub(DATAHUB.emulator(), protocol))
                .project(PROJECT)
                .topic(topic)
                .startPosition(StartPosition.oldest())
                .shardDiscoveryInterval(Duration.ofMillis(200))
                .fetchMaxRecords(100)
                .retryBackoffMax(Duration.ofMillis(500));
    }

    private static JobClient startJob(DataHubSourceConfig config, String run, Consumer<Configuration> flinkConf)
            throws Exception {
        return startJob(config, run, flinkConf, true);
    }

    private static JobClient startJob(
            DataHubSourceConfig config, String run, Consumer<Configuration> flinkConf, boolean checkpoints)
            throws Exception {
        return startJob(config, run, flinkConf, checkpoints, 2);
    }

    private static JobClient startJob(
            DataHubSourceConfig config,
            String run,
            Consumer<Configuration> flinkConf,
            boolean checkpoints,
            int parallelism)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        flinkConf.accept(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        if (checkpoints) env.enableCheckpointing(300);
        env.fromSource(
                        new DataHubSource(config),
                        WatermarkStrategy.noWatermarks(),
                        "DataHub source " + PROJECT + "/" + config.topic())
                .uid("datahub-source")
                .map(new EmittedRecords.Recorder(run))
                .uid("recorder")
                .sinkTo(new DiscardingSink<>())
                .uid("discard");
        return env.executeAsync(run);
    }

    private static void runToEnd(DataHubSourceConfig config, String run) throws Exception {
        startJob(config, run, c -> {}).getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
        Await.value("job cancelled", WAIT, () -> job.getJobStatus().get(), JobStatus::isGloballyTerminalState);
    }

    /** A stop time after every record written so far, and DataHub's clock already past it. */
    private static long stopAfterWhatWasWritten() {
        long stop = System.currentTimeMillis() + 1;
        Await.until("clock past the stop time", Duration.ofSeconds(5), () -> System.currentTimeMillis() > stop);
        return stop;
    }

    private static String run() {
        return UUID.randomUUID().toString();
    }

    private static void appendBlobs(String topic, String shard, int n) {
        for (int i = 0; i < n; i++) {
            DATAHUB.emulator()
                    .appendBlob(
                            PROJECT, topic, shard, (topic + "/" + shard + "/" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int written(String topic) {
        int n = 0;
        for (ShardSnapshot s : DATAHUB.emulator().shards(PROJECT, topic))
            n += (int) (s.nextSequence() - s.oldestSequence());
        return n;
    }

    @Test
    void everyRecordOfEveryShardInOrder_protobufTuple_and_jsonBlob() throws Exception {
        RecordSchema schema = new RecordSchema();
        schema.addField(new Field("id", FieldType.BIGINT));
        schema.addField(new Field("name", FieldType.STRING));
        schema.addField(new Field("price", FieldType.DOUBLE));
        DATAHUB.emulator().createTopic(PROJECT, "all_tuple", 3, schema);
        DATAHUB.emulator().createTopic(PROJECT, "all_blob", 3, null);
        for (String shard : List.of("0", "1", "2")) {
            for (int i = 0; i < 150; i++) {
                DATAHUB.emulator()
                        .appendTuple(
                                PROJECT, "all_tuple", shard, String.valueOf(i), "n" + shard, i % 7 == 0 ? null : "2.5");
            }
            appendBlobs("all_blob", shard, 150);
        }
        long stop = stopAfterWhatWasWritten();

        String tupleRun = run();
        runToEnd(config("all_tuple", DataHubProtocol.PROTOBUF).stopAtMs(stop).build(), tupleRun);
        String blobRun = run();
        runToEnd(config("all_blob", DataHubProtocol.JSON).stopAtMs(stop).build(), blobRun);

        for (String run : List.of(tupleRun, blobRun)) {
            assertThat(sequencesPerShard(run))
                    .containsOnlyKeys("0", "1", "2")
                    .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(0, 150)));
        }
        for (Emitted e : EmittedRecords.of(tupleRun)) {
            assertThat(e.tuple())
                    .containsExactly(
                            String.valueOf(e.sequence()), "n" + e.shardId(), e.sequence() % 7 == 0 ? null : "2.5");
        }
        for (Emitted e : EmittedRecords.of(blobRun)) {
            assertThat(new String(e.blob(), StandardCharsets.UTF_8))
                    .isEqualTo("all_blob/" + e.shardId() + "/" + e.sequence());
        }
    }

    @Test
    void splitAndMergeWhileProducing_childrenAfterParents_nothingLost() throws Exception {
        String topic = "reshard";
        DATAHUB.emulator().createTopic(PROJECT, topic, 2, null);
        DATAHUB.emulator().faults().hideNewShardsAfterReshard(2); // NoSuchShard right after resharding
        String run = run();
        JobClient job = startJob(config(topic, DataHubProtocol.PROTOBUF).build(), run, c -> {});
        try {
            appendBlobs(topic, "0", 50);
            appendBlobs(topic, "1", 50);
            List<ShardSnapshot> children = DATAHUB.emulator().splitShard(PROJECT, topic, "0");
            String a = children.get(0).shardId();
            String b = children.get(1).shardId();
            for (String s : List.of("1", a, b)) appendBlobs(topic, s, 50);
            ShardSnapshot merged = DATAHUB.emulator().mergeShard(PROJECT, topic, a, b);
            for (String s : List.of("1", merged.shardId())) appendBlobs(topic, s, 50);

            int total = written(topic);
            Await.until(total + " records emitted", WAIT, () -> EmittedRecords.count(run) >= total);
        } finally {
            cancel(job);
            DATAHUB.emulator().faults().clear();
        }

        Map<String, List<Long>> perShard = sequencesPerShard(run);
        for (ShardSnapshot s : DATAHUB.emulator().shards(PROJECT, topic)) {
            assertThat(perShard.get(s.shardId()))
                    .as("shard %s", s.shardId())
                    .containsExactlyElementsOf(range(0, s.nextSequence()));
        }
        List<Emitted> emitted = EmittedRecords.of(run);
        for (ShardSnapshot child : DATAHUB.emulator().shards(PROJECT, topic)) {
            for (String parent : child.parentShardIds()) {
                long parentLast = emitted.stream()
                        .filter(e -> e.shardId().equals(parent))
                        .mapToLong(Emitted::stamp)
                        .max()
                        .orElseThrow();
                long childFirst = emitted.stream()
                        .filter(e -> e.shardId().equals(child.shardId()))
                        .mapToLong(Emitted::stamp)
                        .min()
                        .orElseThrow();
                assertThat(childFirst)
                        .as("first record of %s after last of parent %s", child.shardId(), parent)
                        .isGreaterThan(parentLast);
            }
        }
        assertMarkersFrameEachShard(run, DATAHUB.emulator().shards(PROJECT, topic));
    }

    /**
     * Each finished shard's END follows its last record and names it; each child's START precedes
     * its first record, names the parents it read, and follows those parents' END markers.
     */
    private static void assertMarkersFrameEachShard(String run, List<ShardSnapshot> shards) {
        List<Emitted> emitted = EmittedRecords.of(run);
        List<EmittedMarker> markers = EmittedRecords.markersOf(run);
        Set<String> parents = new TreeSet<>();
        shards.forEach(s -> parents.addAll(s.parentShardIds()));
        for (String parent : parents) {
            List<EmittedMarker> ends = markers.stream()
                    .filter(m ->
                            m.marker() == ShardRecord.Marker.END && m.shardId().equals(parent))
                    .toList();
            assertThat(ends).as("END markers of parent %s", parent).hasSize(1);
            Emitted last = emitted.stream()
                    .filter(e -> e.shardId().equals(parent))
                    .max(java.util.Comparator.comparingLong(Emitted::stamp))
                    .orElseThrow();
            assertThat(ends.get(0).sequence())
                    .as("END of %s names its last record", parent)
                    .isEqualTo(last.sequence());
            assertThat(ends.get(0).stamp())
                    .as("END of %s after its last record", parent)
                    .isGreaterThan(last.stamp());
        }
        for (ShardSnapshot child : shards) {
            if (child.parentShardIds().isEmpty()) continue;
            List<EmittedMarker> starts = markers.stream()
                    .filter(m -> m.marker() == ShardRecord.Marker.START
                            && m.shardId().equals(child.shardId()))
                    .toList();
            assertThat(starts).as("START markers of %s", child.shardId()).isNotEmpty();
            EmittedMarker start = starts.get(0);
            assertThat(start.parents())
                    .as("START of %s", child.shardId())
                    .containsExactlyInAnyOrderElementsOf(child.parentShardIds());
            long childFirst = emitted.stream()
                    .filter(e -> e.shardId().equals(child.shardId()))
                    .mapToLong(Emitted::stamp)
                    .min()
                    .orElseThrow();
            assertThat(start.stamp())
                    .as("START of %s before its first record", child.shardId())
                    .isLessThan(childFirst);
            for (String parent : child.parentShardIds()) {
                long parentEnd = markers.stream()
                        .filter(m -> m.marker() == ShardRecord.Marker.END
                                && m.shardId().equals(parent))
                        .mapToLong(EmittedMarker::stamp)
                        .min()
                        .orElseThrow();
                assertThat(start.stamp())
                        .as("START of %s after END of %s", child.shardId(), parent)
                        .isGreaterThan(parentEnd);
            }
        }
    }

    private static int startMarkers(String run, Set<String> shards) {
        return (int) EmittedRecords.markersOf(run).stream()
                .filter(m -> m.marker() == ShardRecord.Marker.START && shards.contains(m.shardId()))
                .count();
    }

    @Test
    void stopWithSavepointAndResume_noGapNoDuplicate(@TempDir Path savepoints) throws Exception {
        String topic = "savepoint";
        DATAHUB.emulator().createTopic(PROJECT, topic, 3, null);
        for (String s : List.of("0", "1", "2")) appendBlobs(topic, s, 200);
        String run = run();
        DataHubSourceConfig config = config(topic, DataHubProtocol.PROTOBUF).build();

        JobClient first = startJob(config, run, c -> {});
        Await.until("some records emitted", WAIT, () -> EmittedRecords.count(run) >= 200);
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        int beforeResume = EmittedRecords.count(run);
        for (String s : List.of("0", "1", "2")) appendBlobs(topic, s, 100);

        JobClient second = startJob(config, run, c -> c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint));
        try {
            Await.until("900 records emitted", WAIT, () -> EmittedRecords.count(run) >= 900);
        } finally {
            cancel(second);
        }
        assertThat(beforeResume).isLessThan(900);
        assertThat(sequencesPerShard(run))
                .containsOnlyKeys("0", "1", "2")
                .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(0, 300)));
    }

    @Test
    void everyReaderGetsItsShare_atStartAfterAResumeAtAnotherParallelismAndAfterASplit(@TempDir Path savepoints)
            throws Exception {
        String topic = "share";
        DATAHUB.emulator().createTopic(PROJECT, topic, 4, null);
        for (String s : List.of("0", "1", "2", "3")) appendBlobs(topic, s, 20);
        String run = run();
        DataHubSourceConfig config = config(topic, DataHubProtocol.PROTOBUF).build();

        JobClient first = startJob(config, run, c -> {});
        Await.until("80 records emitted", WAIT, () -> EmittedRecords.count(run) >= 80);
        assertThat(shardsPerSubtask(EmittedRecords.subtaskPerShard(run, 0)))
                .as("parallelism 2, 4 shards")
                .containsOnly(2);
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);

        long resumedAt = EmittedRecords.lastStamp();
        JobClient second = startJob(config, run, c -> c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint), true, 3);
        try {
            for (String s : List.of("0", "1", "2", "3")) appendBlobs(topic, s, 20);
            Await.until("160 records emitted", WAIT, () -> EmittedRecords.count(run) >= 160);
            Map<String, Integer> resumed = EmittedRecords.subtaskPerShard(run, resumedAt);
            assertThat(resumed).hasSize(4);
            assertThat(shardsPerSubtask(resumed))
                    .as("parallelism 3, 4 shards: at most ceil(4/3)")
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2))
                    .hasSize(3);

            long splitAt = EmittedRecords.lastStamp();
            List<ShardSnapshot> children = DATAHUB.emulator().splitShard(PROJECT, topic, "0");
            for (ShardSnapshot c : children) appendBlobs(topic, c.shardId(), 20);
            for (String s : List.of("1", "2", "3")) appendBlobs(topic, s, 20);
            Await.until("every record emitted", WAIT, () -> EmittedRecords.count(run) >= 160 + 5 * 20);
            Map<String, Integer> afterSplit = EmittedRecords.subtaskPerShard(run, splitAt);
            assertThat(afterSplit).hasSize(5);
            assertThat(shardsPerSubtask(afterSplit))
                    .as("parallelism 3, 5 open shards: at most ceil(5/3)")
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        } finally {
            cancel(second);
        }
    }

    /** How many shards each subtask emitted. */
    private static java.util.Collection<Integer> shardsPerSubtask(Map<String, Integer> subtaskPerShard) {
        Map<Integer, Integer> count = new java.util.HashMap<>();
        subtaskPerShard.values().forEach(s -> count.merge(s, 1, Integer::sum));
        return count.values();
    }

    @Test
    void failoverRightAfterAParentFinished_childrenStillAssigned_noGap(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String topic = "failover";
        DATAHUB.emulator().createTopic(PROJECT, topic, 2, null);
        appendBlobs(topic, "0", 100);
        appendBlobs(topic, "1", 100);
        String run = run();
        JobClient job = startJob(config(topic, DataHubProtocol.PROTOBUF).build(), run, c -> {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        });
        try {
            Await.until("200 records emitted", WAIT, () -> EmittedRecords.count(run) >= 200);
            cluster.triggerCheckpoint(job.getJobID()).get(30, TimeUnit.SECONDS);

            List<ShardSnapshot> children = DATAHUB.emulator().splitShard(PROJECT, topic, "0");
            Set<String> childIds =
                    Set.of(children.get(0).shardId(), children.get(1).shardId());
            // the parent is now finished; fail at the first child record, before any new checkpoint
            EmittedRecords.failOnceAtFirstRecordOf(run, childIds);
            for (String s : childIds) appendBlobs(topic, s, 40);
            appendBlobs(topic, "1", 40);

            Await.until("the injected failure fired", WAIT, () -> EmittedRecords.failureFired(run));
            Await.until("every record emitted at least once", WAIT, () -> {
                Map<String, List<Long>> seen = sequencesPerShard(run);
                return DATAHUB.emulator().shards(PROJECT, topic).stream()
                        .allMatch(s -> seen.containsKey(s.shardId())
                                && new TreeSet<>(seen.get(s.shardId())).size() == s.nextSequence());
            });
            // the child whose reader failed: announced before the failure, and again once restored
            String failedChild = EmittedRecords.failureFiredAt(run);
            Await.value(
                    "child " + failedChild + " announced again after the restore",
                    WAIT,
                    () -> EmittedRecords.markersOf(run),
                    m -> startMarkers(run, Set.of(failedChild)) >= 2);
        } finally {
            cancel(job);
        }
        for (EmittedMarker start : EmittedRecords.markersOf(run)) {
            if (start.marker() == ShardRecord.Marker.START)
                assertThat(start.parents()).containsExactly("0");
        }
        for (Map.Entry<String, List<Long>> e : sequencesPerShard(run).entrySet()) {
            List<Long> seqs = e.getValue();
            for (int i = 1; i < seqs.size(); i++) {
                long step = seqs.get(i) - seqs.get(i - 1);
                assertThat(step == 1 || step <= 0)
                        .as("shard %s goes on by one or rewinds after the restore, at %s: %s", e.getKey(), i, seqs)
                        .isTrue();
            }
        }
    }

    @Test
    void startAtOldestInstantAndLatest_andStopTime() throws Exception {
        String topic = "positions";
        DATAHUB.emulator().createTopic(PROJECT, topic, 2, null);
        appendBlobs(topic, "0", 20);
        appendBlobs(topic, "1", 20);
        long t1 = stopAfterWhatWasWritten();
        appendBlobs(topic, "0", 20);
        appendBlobs(topic, "1", 20);
        long t2 = stopAfterWhatWasWritten();

        String oldestToT1 = run();
        runToEnd(
                config(topic, DataHubProtocol.PROTOBUF)
                        .startPosition(StartPosition.oldest())
                        .stopAtMs(t1)
                        .build(),
                oldestToT1);
        assertThat(sequencesPerShard(oldestToT1))
                .containsOnlyKeys("0", "1")
                .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(0, 20)));

        String t1ToT2 = run();
        runToEnd(
                config(topic, DataHubProtocol.JSON)
                        .startPosition(StartPosition.timestamp(t1))
                        .stopAtMs(t2)
                        .build(),
                t1ToT2);
        assertThat(sequencesPerShard(t1ToT2))
                .containsOnlyKeys("0", "1")
                .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(20, 40)));

        String latest = run();
        long readsBefore = DATAHUB.emulator().calls().of(DataHubAction.GET_RECORDS);
        JobClient job = startJob(
                config(topic, DataHubProtocol.PROTOBUF)
                        .startPosition(StartPosition.latest())
                        .build(),
                latest,
                c -> {});
        try {
            // the start is resolved (one read per shard) before any shard is handed to a reader
            Await.until(
                    "readers polling",
                    WAIT,
                    () -> DATAHUB.emulator().calls().of(DataHubAction.GET_RECORDS) > readsBefore + 4);
            appendBlobs(topic, "0", 20);
            appendBlobs(topic, "1", 20);
            Await.until("40 new records emitted", WAIT, () -> EmittedRecords.count(latest) >= 40);
        } finally {
            cancel(job);
        }
        assertThat(sequencesPerShard(latest))
                .containsOnlyKeys("0", "1")
                .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(40, 60)));
    }

    @Test
    void throttlingServerErrorsAndDroppedConnectionsAreSurvived() throws Exception {
        String topic = "faults";
        DATAHUB.emulator().createTopic(PROJECT, topic, 3, null);
        for (String s : List.of("0", "1", "2")) appendBlobs(topic, s, 300);
        long stop = stopAfterWhatWasWritten();
        DATAHUB.emulator()
                .faults()
                .failNext(8, DataHubFault.LIMIT_EXCEEDED, DataHubAction.GET_RECORDS)
                .failNext(3, DataHubFault.INTERNAL_SERVER_ERROR, DataHubAction.GET_RECORDS)
                .failNext(3, DataHubFault.DROP_CONNECTION, DataHubAction.GET_RECORDS)
                .failNext(2, DataHubFault.DROP_CONNECTION, DataHubAction.GET_CURSOR)
                .failNext(2, DataHubFault.LIMIT_EXCEEDED, DataHubAction.LIST_SHARD);
        String run = run();
        try {
            runToEnd(config(topic, DataHubProtocol.PROTOBUF).stopAtMs(stop).build(), run);
            assertThat(DATAHUB.emulator().faults().pendingFailures())
                    .as("every injected fault was hit")
                    .isZero();
        } finally {
            DATAHUB.emulator().faults().clear();
        }
        assertThat(sequencesPerShard(run))
                .containsOnlyKeys("0", "1", "2")
                .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(0, 300)));
    }

    @Test
    void anExpiredCheckpointedPositionFailsTheJobOrContinuesFromOldestWhenAsked(@TempDir Path savepoints)
            throws Exception {
        String topic = "expired";
        DATAHUB.emulator().createTopic(PROJECT, topic, 1, null);
        appendBlobs(topic, "0", 100);
        String run = run();
        DataHubSourceConfig config = config(topic, DataHubProtocol.PROTOBUF).build();
        JobClient first = startJob(config, run, c -> {});
        Await.until("100 records emitted", WAIT, () -> EmittedRecords.count(run) >= 100);
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        appendBlobs(topic, "0", 50);
        DATAHUB.emulator().expireBefore(PROJECT, topic, "0", 120);

        JobClient failing = startJob(config, run, c -> c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint));
        Throwable failure = Await.value(
                "the job failed",
                WAIT,
                () -> {
                    try {
                        failing.getJobExecutionResult().get(1, TimeUnit.SECONDS);
                        return null;
                    } catch (java.util.concurrent.TimeoutException e) {
                        return null;
                    } catch (Exception e) {
                        return (Throwable) e;
                    }
                },
                t -> t != null);
        String messages = ExceptionUtils.stringifyException(failure);
        assertThat(messages)
                .contains("shard 0 in DataHub project " + PROJECT + " topic " + topic)
                .contains("sequences 100..119 (20 records)")
                .contains("oldest retained sequence is 120");

        String resumed = run();
        JobClient lenient = startJob(
                config(topic, DataHubProtocol.PROTOBUF)
                        .onExpiredPosition(OnExpiredPosition.OLDEST)
                        .build(),
                resumed,
                c -> c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint));
        try {
            Await.until("30 retained records emitted", WAIT, () -> EmittedRecords.count(resumed) >= 30);
        } finally {
            cancel(lenient);
        }
        assertThat(sequencesPerShard(resumed).get("0")).containsExactlyElementsOf(range(120, 150));
    }

    /**
     * The first attempt fails before any checkpoint, and meanwhile records it was to read expire.
     * The restarted attempt begins where the first did (the start was resolved before submission):
     * the loss is noticed and, under {@code fail}, fails the job for good.
     */
    @Test
    void anAttemptWithoutACheckpointBeginsAtTheStartResolvedAtSubmission_expiredRecordsFailTheJobWithoutRestart(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String topic = "restart_expired_fail";
        DATAHUB.emulator().createTopic(PROJECT, topic, 1, null);
        appendBlobs(topic, "0", 1000);
        String run = run();
        EmittedRecords.failOnceAtFirstRecordOf(
                run, Set.of("0"), () -> DATAHUB.emulator().expireBefore(PROJECT, topic, "0", 800));
        JobClient job =
                startJob(config(topic, DataHubProtocol.PROTOBUF).build(), run, this::restartWholeJobOften, false);

        Throwable failure = Await.value("the job failed", WAIT, () -> failureOf(job), t -> t != null);
        assertThat(EmittedRecords.failureFired(run)).isTrue();
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class))
                .isPresent();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains("shard 0 in DataHub project " + PROJECT + " topic " + topic)
                .contains("sequences 0..799 (800 records)")
                .contains("oldest retained sequence is 800");
        assertThat(maxAttemptNumber(cluster, job))
                .as("one restart: the injected failure's, none for the loss")
                .isEqualTo(1);
        assertThat(EmittedRecords.count(run)).isZero();
    }

    @Test
    void anAttemptWithoutACheckpointBeginsAtTheStartResolvedAtSubmission_underOldestItSkipsToTheOldestRetained()
            throws Exception {
        String topic = "restart_expired_oldest";
        DATAHUB.emulator().createTopic(PROJECT, topic, 1, null);
        appendBlobs(topic, "0", 1000);
        String run = run();
        EmittedRecords.failOnceAtFirstRecordOf(
                run, Set.of("0"), () -> DATAHUB.emulator().expireBefore(PROJECT, topic, "0", 800));
        JobClient job = startJob(
                config(topic, DataHubProtocol.PROTOBUF)
                        .onExpiredPosition(OnExpiredPosition.OLDEST)
                        .build(),
                run,
                this::restartWholeJobOften,
                false);
        try {
            Await.until("200 retained records emitted", WAIT, () -> EmittedRecords.count(run) >= 200);
        } finally {
            cancel(job);
        }
        assertThat(sequencesPerShard(run).get("0")).containsExactlyElementsOf(range(800, 1000));
    }

    private void restartWholeJobOften(Configuration c) {
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        // a restart of the whole job builds a new enumerator: the case where a start resolved again would move
        c.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, "full");
    }

    private static Throwable failureOf(JobClient job) {
        try {
            job.getJobExecutionResult().get(1, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static int maxAttemptNumber(MiniCluster cluster, JobClient job) throws Exception {
        int max = 0;
        for (AccessExecutionVertex v : cluster.getExecutionGraph(job.getJobID())
                .get(30, TimeUnit.SECONDS)
                .getAllExecutionVertices()) {
            max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }
}
