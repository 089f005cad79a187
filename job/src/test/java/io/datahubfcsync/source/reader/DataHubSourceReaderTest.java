package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.enumerator.ReaderSplitsEvent;
import io.datahubfcsync.source.enumerator.ShardsFinishedEvent;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import io.datahubfcsync.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The finished-shard carry-over that keeps children from being stranded by a failover. */
class DataHubSourceReaderTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();
    private final CollectingOutput output = new CollectingOutput();
    private final RecordingContext context = new RecordingContext(output);
    private DataHubSourceReader reader;

    private DataHubSourceReader newReader() {
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .build();
        ReaderCounters counters = new ReaderCounters();
        reader = new DataHubSourceReader(
                () -> new DataHubSplitReader(hub, config, counters, System::currentTimeMillis),
                new Configuration(),
                context);
        reader.start();
        return reader;
    }

    @AfterEach
    void closeReader() throws Exception {
        if (reader != null) reader.close();
    }

    private static ShardSplit split(String id, CursorPosition p, boolean finished) {
        return new ShardSplit(id, List.of(), "0", "F", p, finished);
    }

    private void pollUntilFinishedReported(DataHubSourceReader r, String shard) {
        Await.value(
                "shard " + shard + " reported finished",
                Duration.ofSeconds(10),
                () -> {
                    r.pollNext(output);
                    return context.finishedReported().contains(shard);
                },
                done -> done);
    }

    @Test
    void aFinishedShardIsReportedAndKeptInCheckpointsUntilOneTakenAfterItCompletes() throws Exception {
        hub.shard("0").appendMany(3, 1_000).close();
        hub.shard("1").appendMany(1, 1_000);
        DataHubSourceReader r = newReader();
        r.addSplits(List.of(split("0", CursorPosition.oldest(), false), split("1", CursorPosition.oldest(), false)));
        List<ShardSplit> first = r.snapshotState(1);
        assertThat(first).extracting(ShardSplit::shardId).containsExactlyInAnyOrder("0", "1");

        pollUntilFinishedReported(r, "0");
        assertThat(output.records)
                .filteredOn(rec -> rec.shardId.equals("0") && !rec.isMarker())
                .extracting(rec -> rec.sequence)
                .containsExactly(0L, 1L, 2L);
        assertThat(output.markersWhenFinishedReported)
                .as("END went out before the finish was reported")
                .containsExactly(ShardRecord.end("0", 2));

        // checkpoint 1 was taken before the shard finished: its completion must not drop the marker
        r.notifyCheckpointComplete(1);
        List<ShardSplit> second = r.snapshotState(2);
        assertThat(second)
                .contains(
                        new ShardSplit("0", List.of(), "0", "F", CursorPosition.sequence(3), true, List.of(), 2, true));

        r.notifyCheckpointComplete(2);
        assertThat(r.snapshotState(3)).extracting(ShardSplit::shardId).containsExactly("1");
    }

    @Test
    void aRestoredFinishedShardIsReportedAgainAndNotRead() throws Exception {
        hub.shard("0").appendMany(3, 1_000).close();
        DataHubSourceReader r = newReader();
        ShardSplit finished = split("0", CursorPosition.sequence(3), true);
        r.addSplits(List.of(finished));

        assertThat(context.finishedReported()).containsExactly("0");
        assertThat(hub.readCalls.get()).isZero();
        assertThat(r.snapshotState(7)).containsExactly(finished);
        r.notifyCheckpointComplete(7);
        assertThat(r.snapshotState(8)).isEmpty();
    }

    @Test
    void aReaderTellsTheEnumeratorAtStartWhichOpenShardsItWasRestoredWith() throws Exception {
        hub.shard("0").appendMany(3, 1_000);
        hub.shard("1").appendMany(3, 1_000).close();
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .build();
        reader = new DataHubSourceReader(
                () -> new DataHubSplitReader(hub, config, new ReaderCounters(), System::currentTimeMillis),
                new Configuration(),
                context);
        reader.addSplits(
                List.of(split("0", CursorPosition.sequence(1), false), split("1", CursorPosition.sequence(3), true)));
        assertThat(context.events)
                .as("nothing before the reader has registered (start)")
                .noneMatch(e -> e instanceof ReaderSplitsEvent);
        reader.start();
        assertThat(context.events)
                .filteredOn(e -> e instanceof ReaderSplitsEvent)
                .extracting(e -> ((ReaderSplitsEvent) e).shardIds())
                .containsExactly(Set.of("0"));
    }

    /** A SourceReaderContext that records the events sent to the enumerator. */
    private static final class RecordingContext implements SourceReaderContext {
        final List<SourceEvent> events = new CopyOnWriteArrayList<>();
        private final CollectingOutput output;
        private final SourceReaderMetricGroup metrics = UnregisteredMetricsGroup.createSourceReaderMetricGroup();

        RecordingContext(CollectingOutput output) {
            this.output = output;
        }

        Set<String> finishedReported() {
            return events.stream()
                    .filter(e -> e instanceof ShardsFinishedEvent)
                    .flatMap(e -> ((ShardsFinishedEvent) e).shardIds().stream())
                    .collect(java.util.stream.Collectors.toSet());
        }

        @Override
        public SourceReaderMetricGroup metricGroup() {
            return metrics;
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent event) {
            if (event instanceof ShardsFinishedEvent && output.markersWhenFinishedReported.isEmpty()) {
                output.records.stream().filter(ShardRecord::isMarker).forEach(output.markersWhenFinishedReported::add);
            }
            events.add(event);
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }

    private static final class CollectingOutput implements ReaderOutput<ShardRecord> {
        final List<ShardRecord> records = new CopyOnWriteArrayList<>();
        /** The markers emitted by the time the first finished shard was reported to the enumerator. */
        final List<ShardRecord> markersWhenFinishedReported = new CopyOnWriteArrayList<>();

        @Override
        public void collect(ShardRecord record) {
            records.add(record);
        }

        @Override
        public void collect(ShardRecord record, long timestamp) {
            records.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<ShardRecord> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
