package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.credentials.CredentialsOptions;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.delivery.DeliveryConfig;
import io.datahubfcsync.delivery.DeliveryOptions;
import io.datahubfcsync.delivery.OnExhausted;
import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FcOptions;
import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.SourceOptions;
import io.datahubfcsync.source.config.StartPosition;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

    @Test
    void everyKeyIsListedOnceAndFoundByName() {
        Set<String> keys = new HashSet<>(JobOptions.keys());
        assertThat(keys).hasSize(JobOptions.values().size());
        for (JobOption<?> o : JobOptions.values())
            assertThat(JobOptions.byKey(o.key())).containsSame(o);
        assertThat(JobOptions.byKey("batch.max-record")).isEmpty();
    }

    @Test
    void everyDefaultShownReadsBackAsTheDefaultValue() {
        for (JobOption<?> o : JobOptions.values()) {
            if (o.hasDefaultValue()) {
                assertThat((Object) o.parse(o.defaultText())).as(o.key()).isEqualTo(o.defaultValue());
            }
        }
    }

    @Test
    void theTableHasARowPerOptionWithItsDefaultAndAllowedValues() {
        List<String> rows = JobOptions.markdownTable().lines().skip(2).toList();
        assertThat(rows).hasSize(JobOptions.values().size());
        assertThat(rows).contains("| `batch.max-records` | 100 | 1..10000 | records per event |");
        assertThat(rows).anyMatch(r -> r.startsWith("| `batch.max-bytes` | 4MiB | 1KiB..32MiB | "));
        assertThat(rows).anyMatch(r -> r.startsWith("| `datahub.endpoint` | required | "));
        assertThat(rows)
                .anyMatch(r -> r.startsWith("| `on-exhausted` | suspend | `suspend`, `fail`, `dead-letter` | "));
    }

    @Test
    void theDeliveryBuildersDefaultsAreTheOptionsDefaults() {
        DeliveryConfig c = DeliveryConfig.builder()
                .source("p", "t")
                .region("cn-hangzhou")
                .function(null, "fn")
                .build();
        assertThat(c.batchMaxRecords()).isEqualTo(DeliveryOptions.BATCH_MAX_RECORDS.defaultValue());
        assertThat(c.batchMaxBytes()).isEqualTo(DeliveryOptions.BATCH_MAX_BYTES.defaultValue());
        assertThat(c.batchMaxWait()).isEqualTo(DeliveryOptions.BATCH_MAX_WAIT.defaultValue());
        assertThat(c.retryInterval()).isEqualTo(DeliveryOptions.RETRY_INTERVAL.defaultValue());
        assertThat(c.retryMaxAttempts()).isEqualTo(DeliveryOptions.RETRY_MAX_ATTEMPTS.defaultValue());
        assertThat(c.onExhausted()).isEqualTo(DeliveryOptions.ON_EXHAUSTED.defaultValue());
        assertThat(c.suspendProbeInterval()).isEqualTo(DeliveryOptions.SUSPEND_PROBE_INTERVAL.defaultValue());
        assertThat(c.blobEncoding()).isEqualTo(DeliveryOptions.EVENT_BLOB_ENCODING.defaultValue());
        assertThat(c.maxConcurrency()).isEqualTo(DeliveryOptions.DELIVERY_MAX_CONCURRENCY.defaultValue());
        assertThat(c.maxBufferedRecords()).isEqualTo(DeliveryOptions.DELIVERY_MAX_BUFFERED_RECORDS.defaultValue());
        assertThat(c.maxRecordsPerSecond()).as("unlimited").isZero();
        assertThat(c.maxBufferedRecordsPerShard()).as("a fair share").isZero();
        assertThat(c.maxBufferedBytesPerShard()).isEqualTo(2 * c.batchMaxBytes());
        assertThat(c.credentialsFailureGrace()).isEqualTo(CredentialsOptions.CREDENTIALS_FAILURE_GRACE.defaultValue());
    }

    @Test
    void theSourceAndFcBuildersDefaultsAreTheOptionsDefaults() {
        DataHubSourceConfig s = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> {
                    throw new AssertionError("no client is needed to read the settings");
                })
                .build();
        assertThat(s.startPosition()).isEqualTo(SourceOptions.START.defaultValue());
        assertThat(s.stopAtMs()).isEmpty();
        assertThat(s.shardDiscoveryIntervalMs())
                .isEqualTo(SourceOptions.DATAHUB_SHARD_DISCOVERY_INTERVAL
                        .defaultValue()
                        .toMillis());
        assertThat(s.fetchMaxRecords()).isEqualTo(SourceOptions.DATAHUB_FETCH_MAX_RECORDS.defaultValue());
        assertThat(s.fetchConcurrency()).isEqualTo(SourceOptions.DATAHUB_FETCH_CONCURRENCY.defaultValue());
        assertThat(s.onExpiredPosition()).isEqualTo(SourceOptions.DATAHUB_ON_EXPIRED_POSITION.defaultValue());
        assertThat(s.credentialsFailureGraceMs())
                .isEqualTo(CredentialsOptions.CREDENTIALS_FAILURE_GRACE
                        .defaultValue()
                        .toMillis());

        FcConnection fc = FcConnection.builder()
                .endpoint("http://127.0.0.1:9")
                .accountId("1")
                .region("cn-hangzhou")
                .function("fn")
                .credentials(CredentialsSource.standardChain())
                .build();
        assertThat(fc.readTimeoutMillis())
                .isEqualTo(FcOptions.FC_READ_TIMEOUT.defaultValue().toMillis());
        assertThat(fc.apiVersion()).isEqualTo(FcOptions.defaultApiVersion(null));
    }

    @Test
    void anApiVersionAndAServiceMustGoTogetherTheOneWayTheyCan() {
        assertThat(FcOptions.defaultApiVersion(null)).isEqualTo(FcApiVersion.V3_2023_03_30);
        assertThat(FcOptions.defaultApiVersion("svc")).isEqualTo(FcApiVersion.V2_2016_08_15);
        assertThat(FcOptions.serviceProblem(FcApiVersion.V3_2023_03_30, null)).isEmpty();
        assertThat(FcOptions.serviceProblem(FcApiVersion.V2_2016_08_15, "svc")).isEmpty();
        assertThat(FcOptions.serviceProblem(FcApiVersion.V3_2023_03_30, "svc"))
                .get()
                .asString()
                .startsWith("--fc.service 'svc' is not used by FC 3.0");
        assertThat(FcOptions.serviceProblem(FcApiVersion.V2_2016_08_15, null))
                .get()
                .asString()
                .startsWith("--fc.service is required with fc.api-version 2016-08-15");
    }

    @Test
    void aDeadLetterTopicGoesWithDeadLetterOnlyAndIsNotTheSourceTopic() {
        assertThat(DeliveryOptions.deadLetterProblems(OnExhausted.DEAD_LETTER, "dlq", "p", "t"))
                .isEmpty();
        assertThat(DeliveryOptions.deadLetterProblems(OnExhausted.SUSPEND, null, "p", "t"))
                .isEmpty();
        assertThat(DeliveryOptions.deadLetterProblems(OnExhausted.DEAD_LETTER, null, "p", "t"))
                .containsExactly(
                        "--dead-letter.topic is required with on-exhausted=dead-letter (a BLOB topic in project p)");
        assertThat(DeliveryOptions.deadLetterProblems(OnExhausted.FAIL, "dlq", "p", "t"))
                .containsExactly(
                        "--dead-letter.topic 'dlq' is only used with --on-exhausted dead-letter; remove it or set on-exhausted");
        assertThat(DeliveryOptions.deadLetterProblems(OnExhausted.DEAD_LETTER, "t", "p", "t"))
                .containsExactly(
                        "--dead-letter.topic 't' must not be the source topic (failed events would be read again)");
    }

    @Test
    void aShardsBytesBudgetHoldsAtLeastOneBatch() {
        assertThat(DeliveryOptions.bufferedBytesPerShardProblem(4L << 20, 4L << 20))
                .isEmpty();
        assertThat(DeliveryOptions.bufferedBytesPerShardProblem(1L << 20, 4L << 20))
                .get()
                .asString()
                .isEqualTo("--delivery.max-buffered-bytes-per-shard '1MiB' must be at least batch.max-bytes (4MiB)");
    }

    @Test
    void aStopTimeMustComeAfterAStartTime() {
        long start = Instant.parse("2026-11-21T08:00:00Z").toEpochMilli();
        assertThat(SourceOptions.stopProblem(StartPosition.timestamp(start), start + 1))
                .isEmpty();
        assertThat(SourceOptions.stopProblem(StartPosition.oldest(), 0)).isEmpty();
        assertThat(SourceOptions.stopProblem(StartPosition.timestamp(start), start))
                .get()
                .asString()
                .isEqualTo("--stop '2026-11-21T08:00:00Z' must be after start (2026-11-21T08:00:00Z)");
    }

    @Test
    void startTakesOldestLatestAnInstantOrEpochMillis() {
        assertThat(SourceOptions.START.parse("oldest")).isEqualTo(StartPosition.oldest());
        assertThat(SourceOptions.START.parse("Latest")).isEqualTo(StartPosition.latest());
        assertThat(SourceOptions.START.parse("1700000000000")).isEqualTo(StartPosition.timestamp(1700000000000L));
        assertThat(SourceOptions.START.parse("2026-11-21T08:00:00Z"))
                .isEqualTo(StartPosition.timestamp(
                        Instant.parse("2026-11-21T08:00:00Z").toEpochMilli()));
        assertThat(SourceOptions.STOP.parse("1700000000000")).isEqualTo(1700000000000L);
    }
}
