package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.Test;

/**
 * Refused credentials in the split reader, against a scripted client: within
 * {@code credentials.failure-grace} the reader backs off and reads on once DataHub accepts the
 * credentials again (nothing skipped, every refusal counted); after the grace it fails, naming where
 * the credentials come from.
 */
class RefusedCredentialsReaderTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ReaderCounters counters = new ReaderCounters();

    private DataHubSplitReader reader(Duration grace) {
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .fetchMaxRecords(10)
                .retryBackoffMax(Duration.ofMillis(400))
                .credentialsFailureGrace(grace)
                .build();
        DataHubSplitReader r = new DataHubSplitReader(hub, config, counters, clock::get);
        r.handleSplitsChanges(new SplitsAddition<>(
                List.of(new ShardSplit("0", List.of(), "0", "F", CursorPosition.oldest(), false))));
        return r;
    }

    private static DataHubAuthException expiredToken() {
        return new DataHubAuthException(
                DataHubAuthException.Reason.TOKEN_EXPIRED,
                "getRecords on p/t shard 0 failed: the STS token has expired",
                null);
    }

    private static List<Long> fetchSequences(DataHubSplitReader r) {
        List<Long> out = new ArrayList<>();
        RecordsWithSplitIds<ShardRecord> batch = r.fetch();
        for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
            for (ShardRecord rec = batch.nextRecordFromSplit(); rec != null; rec = batch.nextRecordFromSplit()) {
                out.add(rec.sequence);
            }
        }
        return out;
    }

    @Test
    void refusalsWithinTheGraceBackOffAreCountedAndReadingGoesOnWithoutALostRecord() {
        hub.shard("0").appendMany(5, 1000);
        hub.failReads(RefusedCredentialsReaderTest::expiredToken, 3);
        DataHubSplitReader r = reader(Duration.ofMinutes(5));

        List<Long> read = new ArrayList<>();
        for (int i = 0; i < 20 && read.size() < 5; i++) {
            read.addAll(fetchSequences(r));
            clock.addAndGet(500); // past any backoff
        }

        assertThat(read).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(counters.credentialFailures()).isEqualTo(3);
        assertThat(counters.retriedCalls())
                .as("not counted as an ordinary retry")
                .isZero();
    }

    @Test
    void aRefusedCallIsRetriedOnlyAfterABackoff() {
        hub.shard("0").appendMany(1, 1000);
        hub.failReads(RefusedCredentialsReaderTest::expiredToken, 1);
        DataHubSplitReader r = reader(Duration.ofMinutes(5));

        fetchSequences(r);
        int readsAfterRefusal = hub.readCalls.get();
        fetchSequences(r); // same instant: the shard is not due yet
        assertThat(hub.readCalls.get()).isEqualTo(readsAfterRefusal);
        clock.addAndGet(500);
        assertThat(fetchSequences(r)).containsExactly(0L);
    }

    @Test
    void refusalsLastingLongerThanTheGraceFailTheSourceNamingTheCredentialSource() {
        hub.shard("0").appendMany(1, 1000);
        hub.failReads(RefusedCredentialsReaderTest::expiredToken, 1_000);
        DataHubSplitReader r = reader(Duration.ofSeconds(30));

        assertThatThrownBy(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        fetchSequences(r);
                        clock.addAndGet(1_000);
                    }
                })
                .isInstanceOf(DataHubFatalException.class)
                .hasMessageStartingWith("DataHub has refused the credentials from the configured credentials for 30 s")
                .hasMessageContaining("credentials.failure-grace 30 s")
                .hasMessageContaining("p/t shard 0")
                .hasMessageContaining("the STS token has expired");
        assertThat(counters.credentialFailures()).isGreaterThan(1);
    }
}
