package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.datahub.ExpiredCursorException;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.datahub.ShardNotFoundException;
import io.datahubfcsync.datahub.TopicDescription;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import io.datahubfcsync.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

class DataHubSplitReaderTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ReaderCounters counters = new ReaderCounters();

    private DataHubSplitReader reader(Consumer<DataHubSourceConfig.Builder> tweak) {
        DataHubSourceConfig.Builder b = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .fetchMaxRecords(10)
                .idleBackoffMax(Duration.ofMillis(300))
                .retryBackoffMax(Duration.ofMillis(400))
                .shardNotFoundTimeout(Duration.ofSeconds(5));
        tweak.accept(b);
        return new DataHubSplitReader(hub, b.build(), counters, clock::get);
    }

    private static void assign(DataHubSplitReader r, String shard, CursorPosition position) {
        r.handleSplitsChanges(
                new SplitsAddition<>(List.of(new ShardSplit(shard, List.of(), "0", "F", position, false))));
    }

    /** Drains one fetch: records per split in order, finished ids. Markers are left out. */
    private static Set<String> drain(RecordsWithSplitIds<ShardRecord> batch, List<ShardRecord> into) {
        List<ShardRecord> all = new ArrayList<>();
        Set<String> finished = drainWithMarkers(batch, all);
        all.stream().filter(r -> !r.isMarker()).forEach(into::add);
        return finished;
    }

    /** Drains one fetch with its markers, in the order the reader emits them. */
    private static Set<String> drainWithMarkers(RecordsWithSplitIds<ShardRecord> batch, List<ShardRecord> into) {
        for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
            for (ShardRecord r = batch.nextRecordFromSplit(); r != null; r = batch.nextRecordFromSplit()) {
                into.add(r);
            }
        }
        return batch.finishedSplits();
    }

    private static String describe(ShardRecord r) {
        if (r.isStart()) return "START " + r.shardId + " " + List.of(r.parents);
        if (r.isEnd()) return "END " + r.shardId + " " + r.sequence;
        return r.eventId();
    }

    private static List<Long> sequences(List<ShardRecord> records) {
        return records.stream().map(r -> r.sequence).toList();
    }

    @Test
    void readsAClosedShardInOrderInBatchesThenReportsItFinished() {
        hub.shard("0").appendMany(25, 5_000).close();
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());

        List<ShardRecord> got = new ArrayList<>();
        Set<String> finished = Set.of();
        for (int i = 0; i < 10 && finished.isEmpty(); i++) {
            finished = drain(r.fetch(), got);
            clock.addAndGet(10); // a caught-up shard is read again when its next record is due (1 ms apart here)
        }
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 25));
        assertThat(finished).containsExactly("0");
        assertThat(got.get(24).shardLatestTime).isEqualTo(5_024);
        assertThat(hub.readCalls.get())
                .as("10 per call, the 4th call hits the sealed end")
                .isEqualTo(4);
    }

    @Test
    void startsAtTheSequenceHeldInTheSplit() {
        hub.shard("0").appendMany(8, 5_000);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.sequence(5));
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactly(5L, 6L, 7L);
    }

    @Test
    void anEmptyShardIsPolledWithAGrowingButBoundedPause() {
        hub.shard("0");
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());
        r.fetch();
        assertThat(hub.readCalls.get()).isEqualTo(1);

        // not due yet: fetch waits (briefly, in real time) and does not call DataHub
        r.fetch();
        assertThat(hub.readCalls.get()).isEqualTo(1);

        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int before = hub.readCalls.get();
            long pause = r.millisUntilDue("0");
            pauses.add(pause);
            clock.addAndGet(pause);
            r.fetch(); // due now: reads without waiting
            assertThat(hub.readCalls.get()).isEqualTo(before + 1);
        }
        assertThat(pauses).isSorted();
        assertThat(pauses.get(pauses.size() - 1)).isEqualTo(300); // capped by the idle backoff max
        assertThat(pauses.get(0)).isLessThan(300);

        // new data: read when due; DataHub says that was all, so the next read waits the first idle pause
        hub.shard("0").appendMany(3, 9_000);
        clock.addAndGet(300);
        int calls = hub.readCalls.get();
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactly(0L, 1L, 2L);
        assertThat(r.millisUntilDue("0")).isEqualTo(pauses.get(0));
        r.fetch();
        assertThat(hub.readCalls.get()).isEqualTo(calls + 1);
    }

    @Test
    void aShardWithMoreRecordsThanOneReadIsReadAgainWithoutAPause() {
        hub.shard("0").appendMany(15, 5_000);
        DataHubSplitReader r = reader(b -> {}); // 10 records per read
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        // the clock stands still: after the first 10 the shard is read again at once
        for (int i = 0; i < 5 && got.size() < 15; i++) drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 15));
        assertThat(hub.readCalls.get()).isEqualTo(2);
    }

    @Test
    void aShardThatDataHubReportsCaughtUpIsNotReadAgainAtOnce() {
        hub.shard("0").appendMany(5, 5_000);
        DataHubSplitReader r = reader(b -> {}); // 10 records per read: this one comes back short
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 5));
        assertThat(r.millisUntilDue("0"))
                .as("the last record read is DataHub's latest: an immediate read would come back empty")
                .isPositive();
        r.fetch();
        assertThat(hub.readCalls.get()).isEqualTo(1);
    }

    @Test
    void wakeUpEndsAWaitingFetch() throws Exception {
        hub.shard("0");
        DataHubSplitReader r = reader(b -> {});
        ShardSplit split = new ShardSplit("0", List.of(), "0", "F", CursorPosition.oldest(), false);
        r.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        r.pauseOrResumeSplits(List.of(split), List.of()); // nothing due: fetch waits

        r.wakeUp();
        r.fetch(); // a wake-up that came first ends the next wait at once
        assertThat(hub.readCalls.get()).isZero();

        CompletableFuture<Void> fetching = CompletableFuture.runAsync(r::fetch);
        Await.until("fetch returned after wakeUp", Duration.ofSeconds(5), () -> {
            r.wakeUp();
            return fetching.isDone();
        });
        fetching.get();
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoffWithoutFailing() {
        hub.shard("0").appendMany(5, 5_000);
        hub.failReads(
                () -> new DataHubRetryableException(DataHubRetryableException.Kind.THROTTLED, "LimitExceeded", null),
                2);
        hub.failReads(() -> new DataHubRetryableException(DataHubRetryableException.Kind.SERVER_ERROR, "500", null), 1);
        hub.failReads(() -> new DataHubRetryableException(DataHubRetryableException.Kind.NETWORK, "reset", null), 1);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());

        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 100 && got.size() < 5; i++) {
            clock.addAndGet(Math.max(0, r.millisUntilDue("0"))); // jump over the backoff pause
            drain(r.fetch(), got);
        }
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 5));
        assertThat(counters.retriedCalls()).isEqualTo(4);
        assertThat(counters.throttledCalls()).isEqualTo(2);
    }

    @Test
    void aRejectedCursorIsSoughtAgainFromTheHeldSequence() {
        hub.shard("0").appendMany(30, 5_000);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        hub.failReads(() -> new ExpiredCursorException("InvalidCursor", null), 1);
        for (int i = 0; i < 10 && got.size() < 30; i++) {
            drain(r.fetch(), got);
        }
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 30));
    }

    @Test
    void anExpiredCheckpointedPositionFailsForGoodNamingProjectTopicShardAndTheLostRange() {
        hub.shard("3").appendMany(20, 5_000).expireBefore(12);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "3", CursorPosition.sequence(7));
        assertThatThrownBy(r::fetch)
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("shard 3")
                .hasMessageContaining("project p")
                .hasMessageContaining("topic t")
                .hasMessageContaining("sequences 7..11 (5 records)")
                .hasMessageContaining("oldest retained sequence is 12")
                .hasMessageContaining("datahub.on-expired-position=oldest");
    }

    @Test
    void anExpiredPositionContinuesFromOldestWhenConfiguredAndCountsTheSkippedRecords() {
        hub.shard("3").appendMany(20, 5_000).expireBefore(12);
        DataHubSplitReader r = reader(b -> b.onExpiredPosition(OnExpiredPosition.OLDEST));
        assign(r, "3", CursorPosition.sequence(7));
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactlyElementsOf(range(12, 20));
        assertThat(counters.expiredPositionResets()).isEqualTo(1);
        assertThat(counters.expiredRecordsSkipped()).as("sequences 7..11").isEqualTo(5);
    }

    @Test
    void aShardIsFinishedAtItsFirstRecordAtOrAfterTheStopTime() {
        hub.shard("0").appendMany(20, 5_000);
        DataHubSplitReader r = reader(b -> b.stopAtMs(5_012L));
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        Set<String> finished = Set.of();
        for (int i = 0; i < 5 && finished.isEmpty(); i++) {
            finished = drain(r.fetch(), got);
        }
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, 12));
        assertThat(finished).containsExactly("0");
    }

    @Test
    void anIdleShardIsFinishedOnceDataHubsClockIsPastTheStopTime() {
        hub.shard("0").appendMany(3, 5_000);
        hub.dataHubNowMs = 6_000;
        clock.set(6_000);
        DataHubSplitReader r = reader(b -> b.stopAtMs(7_000L));
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        assertThat(drain(r.fetch(), got)).isEmpty();
        clock.addAndGet(1_000);
        assertThat(drain(r.fetch(), got))
                .as("our clock past stop, DataHub's not yet")
                .isEmpty();

        hub.dataHubNowMs = 7_500;
        clock.addAndGet(1_000);
        assertThat(drain(r.fetch(), got)).containsExactly("0");
        assertThat(sequences(got)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aStartTimeDataHubHasNotReachedIsResolvedLater() {
        hub.shard("0").appendMany(3, 5_000);
        hub.dataHubNowMs = 5_500;
        clock.set(5_500);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.systemTime(6_000));
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        assertThat(got).isEmpty();
        assertThat(hub.readCalls.get()).isZero();

        hub.shard("0").append(6_100).append(6_200);
        hub.dataHubNowMs = 6_300;
        clock.addAndGet(1_000);
        drain(r.fetch(), got);
        assertThat(sequences(got)).containsExactly(3L, 4L);
    }

    @Test
    void noSuchShardIsRetriedForABoundedTimeThenAShardDeletedWhileBeingReadFailsForGoodNamingWhatWasLost() {
        hub.shard("9").appendMany(30, 5_000);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "9", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got); // reads from 0 and learns the shard's newest sequence, 29
        hub.delete("9");
        assertThat(drain(r.fetch(), got)).isEmpty();
        clock.addAndGet(1_000);
        assertThat(drain(r.fetch(), got))
                .as("still within the not-found timeout")
                .isEmpty();
        // reads run on call threads and take the clock when they run, so the not-found timeout may
        // have started at any of the steps above: step on until it runs out, a bounded number of times
        assertThatThrownBy(() -> {
                    for (int step = 0; step < 20; step++) {
                        clock.addAndGet(1_000);
                        drain(r.fetch(), got);
                    }
                })
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("shard 9 in DataHub project p topic t")
                .hasMessageContaining("every record from sequence " + got.size() + " on")
                .hasMessageContaining("deleted while this job read it");
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, got.size()));
    }

    @Test
    void aShardDeletedWhileBeingReadIsFinishedUnderOldestAndTheRecordsKnownToBeLostAreCounted() {
        hub.shard("9").appendMany(30, 5_000);
        DataHubSplitReader r = reader(b -> b.onExpiredPosition(OnExpiredPosition.OLDEST));
        assign(r, "9", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        drain(r.fetch(), got);
        hub.delete("9");
        drain(r.fetch(), got);
        // as above, the not-found timeout starts when a call thread first sees the shard gone
        Set<String> finished = Set.of();
        for (int step = 0; step < 20 && finished.isEmpty(); step++) {
            clock.addAndGet(1_000);
            finished = drain(r.fetch(), got);
        }
        assertThat(finished).containsExactly("9");
        assertThat(sequences(got)).containsExactlyElementsOf(range(0, got.size()));
        assertThat(counters.expiredRecordsSkipped())
                .as("the rest up to sequence 29")
                .isEqualTo(30 - got.size());
    }

    @Test
    void aShardThatAppearedAfterTheStartIsReadFromItsFirstRecordAndAnExpiredBeginningIsNoticed() {
        hub.shard("6").appendMany(10, 5_000).expireBefore(4);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "6", CursorPosition.sequence(0)); // what the enumerator hands out for such a shard
        assertThatThrownBy(r::fetch)
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .hasMessageContaining("sequences 0..3 (4 records)");
    }

    @Test
    void aListedShardThatKeepsAnsweringNoSuchShardFailsTheJob() {
        hub.shard("0").appendMany(2, 5_000);
        hub.failCursors(() -> new ShardNotFoundException("NoSuchShard 0", null), 100);
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());
        r.fetch();
        clock.addAndGet(6_000);
        assertThatThrownBy(r::fetch)
                .isInstanceOf(DataHubFatalException.class)
                .hasMessageContaining("Shard 0 of p/t is listed by DataHub");
    }

    @Test
    void aChildThatAwaitsParentsStartsWithAStartMarkerAndAFinishedShardEndsWithAnEndMarker() {
        hub.shard("5", "1", "2").appendMany(3, 5_000).close();
        DataHubSplitReader r = reader(b -> {});
        r.handleSplitsChanges(new SplitsAddition<>(List.of(new ShardSplit(
                "5", List.of("1", "2"), "0", "F", CursorPosition.oldest(), false, List.of("2"), -1, true))));

        List<ShardRecord> got = new ArrayList<>();
        Set<String> finished = Set.of();
        for (int i = 0; i < 5 && finished.isEmpty(); i++) {
            finished = drainWithMarkers(r.fetch(), got);
            if (finished.isEmpty()) clock.addAndGet(Math.max(0, r.millisUntilDue("5"))); // caught up: due later
        }
        assertThat(got)
                .extracting(DataHubSplitReaderTest::describe)
                .containsExactly("START 5 [2]", "5:0", "5:1", "5:2", "END 5 2");
        assertThat(finished).containsExactly("5");
    }

    @Test
    void aShardThatAwaitsNoParentGetsNoStartMarker_andAShardFinishedWithNothingReadEndsAtMinusOne() {
        hub.shard("0").close();
        DataHubSplitReader r = reader(b -> {});
        assign(r, "0", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        assertThat(drainWithMarkers(r.fetch(), got)).containsExactly("0");
        assertThat(got).extracting(DataHubSplitReaderTest::describe).containsExactly("END 0 -1");
    }

    @Test
    void theEndMarkerOfARestoredSplitNamesTheLastSequenceReadBeforeTheRestore() {
        hub.shard("4").appendMany(10, 5_000).close();
        DataHubSplitReader r = reader(b -> {});
        r.handleSplitsChanges(new SplitsAddition<>(List.of(
                new ShardSplit("4", List.of(), "0", "F", CursorPosition.sequence(10), false, List.of(), 9, true))));
        List<ShardRecord> got = new ArrayList<>();
        assertThat(drainWithMarkers(r.fetch(), got)).containsExactly("4");
        assertThat(got).extracting(DataHubSplitReaderTest::describe).containsExactly("END 4 9");
    }

    @Test
    void theStartMarkerGoesOutAgainEachTimeTheSplitIsTakenUp() {
        hub.shard("5", "1").appendMany(4, 5_000);
        DataHubSplitReader first = reader(b -> b.fetchMaxRecords(2));
        ShardSplit split =
                new ShardSplit("5", List.of("1"), "0", "F", CursorPosition.oldest(), false, List.of("1"), -1, true);
        first.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 5 && got.size() < 3; i++) drainWithMarkers(first.fetch(), got);
        assertThat(got).extracting(DataHubSplitReaderTest::describe).containsExactly("START 5 [1]", "5:0", "5:1");

        // a restore hands the split, at its checkpointed position, to a new reader
        DataHubSplitReader restored = reader(b -> b.fetchMaxRecords(2));
        restored.handleSplitsChanges(new SplitsAddition<>(List.of(split.withProgress(CursorPosition.sequence(2), 1))));
        List<ShardRecord> again = new ArrayList<>();
        for (int i = 0; i < 5 && again.size() < 3; i++) drainWithMarkers(restored.fetch(), again);
        assertThat(again).extracting(DataHubSplitReaderTest::describe).containsExactly("START 5 [1]", "5:2", "5:3");
    }

    /** Our client seam around the fake, holding reads of some shards until released and counting reads in flight. */
    private static final class HoldingClient implements DataHubClient {
        final FakeDataHubClient hub;
        final Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

        HoldingClient(FakeDataHubClient hub) {
            this.hub = hub;
        }

        @Override
        public TopicDescription describeTopic() {
            return hub.describeTopic();
        }

        @Override
        public List<ShardInfo> listShards() {
            return hub.listShards();
        }

        @Override
        public ShardCursor cursorAt(String shardId, CursorPosition p) {
            return hub.cursorAt(shardId, p);
        }

        @Override
        public void close() {}

        @Override
        public void putBlob(String key, byte[] data, Map<String, String> attributes) {
            hub.putBlob(key, data, attributes);
        }

        @Override
        public RecordBatch readRecords(String shardId, String cursor, int limit) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (held.contains(shardId)) release.await();
                else Thread.sleep(5); // a call takes a moment, so calls overlap
                return hub.readRecords(shardId, cursor, limit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aShardWhoseReadHangsNeverHoldsUpAShardWithData() throws Exception {
        hub.shard("0").appendMany(5, 5_000);
        hub.shard("1").appendMany(50, 5_000);
        HoldingClient client = new HoldingClient(hub);
        client.held.add("0");
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> client)
                .fetchMaxRecords(10)
                .fetchConcurrency(2)
                .build();
        DataHubSplitReader r = new DataHubSplitReader(client, config, counters, clock::get);
        assign(r, "0", CursorPosition.oldest());
        assign(r, "1", CursorPosition.oldest());

        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 50 && got.size() < 50; i++) drain(r.fetch(), got);
        assertThat(sequences(got))
                .as("all of shard 1 while shard 0's read hangs")
                .hasSize(50);
        assertThat(got).allSatisfy(rec -> assertThat(rec.shardId).isEqualTo("1"));

        client.release.countDown();
        for (int i = 0; i < 50 && got.size() < 55; i++) drain(r.fetch(), got);
        assertThat(got)
                .filteredOn(rec -> rec.shardId.equals("0"))
                .extracting(rec -> rec.sequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        r.close();
    }

    @Test
    void readsOfManyShardsOverlapUpToTheConcurrencyAndEachShardStaysInOrder() throws Exception {
        for (int s = 0; s < 10; s++) hub.shard(String.valueOf(s)).appendMany(40, 5_000);
        HoldingClient client = new HoldingClient(hub);
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> client)
                .fetchMaxRecords(10)
                .fetchConcurrency(3)
                .build();
        DataHubSplitReader r = new DataHubSplitReader(client, config, counters, clock::get);
        for (int s = 0; s < 10; s++) assign(r, String.valueOf(s), CursorPosition.oldest());

        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 500 && got.size() < 400; i++) drain(r.fetch(), got);
        for (int s = 0; s < 10; s++) {
            String id = String.valueOf(s);
            assertThat(got)
                    .filteredOn(rec -> rec.shardId.equals(id))
                    .extracting(rec -> rec.sequence)
                    .containsExactlyElementsOf(range(0, 40));
        }
        assertThat(client.maxInFlight.get()).as("reads in flight at once").isBetween(2, 3);
        r.close();
    }

    @Test
    void pendingRecordsAreWhatDataHubHoldsAfterTheLastRecordReadOverTheReadersShards() {
        hub.shard("0").appendMany(25, 5_000);
        hub.shard("1").appendMany(4, 5_000);
        SourceBacklog backlog = new SourceBacklog();
        clock.set(5_100);
        DataHubSplitReader r = new DataHubSplitReader(
                hub,
                DataHubSourceConfig.builder()
                        .project("p")
                        .topic("t")
                        .clientFactory(() -> hub)
                        .fetchMaxRecords(10)
                        .fetchConcurrency(1)
                        .build(),
                counters,
                backlog,
                clock::get);
        assign(r, "0", CursorPosition.oldest());
        assign(r, "1", CursorPosition.oldest());
        List<ShardRecord> got = new ArrayList<>();
        for (int i = 0; i < 10 && got.size() < 14; i++) drain(r.fetch(), got);
        // shard 1 is read to its end: what is pending is what DataHub holds of shard 0 after the last record read
        assertThat(backlog.pendingRecords())
                .isEqualTo(25
                        - 1
                        - got.stream()
                                .filter(rec -> rec.shardId.equals("0"))
                                .mapToLong(rec -> rec.sequence)
                                .max()
                                .orElseThrow());
        for (int i = 0; i < 20 && got.size() < 29; i++) drain(r.fetch(), got);
        assertThat(backlog.pendingRecords()).isZero();
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) l.add(i);
        return l;
    }
}
