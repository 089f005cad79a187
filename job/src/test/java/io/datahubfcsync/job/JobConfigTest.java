package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.delivery.OnExhausted;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.testing.RepoFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static final String[] MINIMAL = {
        "--datahub.endpoint",
        "https://dh-cn-hangzhou-int-vpc.aliyuncs.com",
        "--datahub.project",
        "p1",
        "--datahub.topic",
        "t1",
        "--fc.endpoint",
        "https://1234567890123456.cn-hangzhou-internal.fc.aliyuncs.com",
        "--fc.service",
        "svc",
        "--fc.function",
        "fn"
    };

    private static String[] with(String... extra) {
        List<String> all = new ArrayList<>(Arrays.asList(MINIMAL));
        all.addAll(Arrays.asList(extra));
        return all.toArray(new String[0]);
    }

    @Test
    void minimalParametersGiveTheSpecDefaults() {
        JobConfig c = JobConfig.fromArgs(MINIMAL);
        assertThat(c.fcAccountId()).isEqualTo("1234567890123456");
        assertThat(c.region()).isEqualTo("cn-hangzhou");
        assertThat(c.start().kind()).isEqualTo(StartPosition.Kind.LATEST);
        assertThat(c.stopMs()).isNull();
        assertThat(c.batchMaxRecords()).isEqualTo(100);
        assertThat(c.batchMaxBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ZERO);
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retryMaxAttempts()).isEqualTo(512);
        assertThat(c.onExhausted()).isEqualTo(OnExhausted.SUSPEND);
        assertThat(c.blobEncoding()).isEqualTo(BlobEncoding.UTF8);
        assertThat(c.fcReadTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxConcurrency()).isEqualTo(64);
        assertThat(c.maxBufferedRecords()).isEqualTo(10_000);
        assertThat(c.onExpiredPosition()).isEqualTo(OnExpiredPosition.FAIL);
        assertThat(c.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.fetchMaxRecords()).isEqualTo(1000);
        assertThat(c.datahubProtocol()).isEqualTo(DataHubProtocol.PROTOBUF);
        assertThat(c.credentialsFile()).isNull();
        assertThat(c.credentialsFailureGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.isBounded()).isFalse();
    }

    private static String[] withoutService(String... extra) {
        List<String> all = new ArrayList<>(Arrays.asList(MINIMAL));
        int i = all.indexOf("--fc.service");
        all.remove(i + 1);
        all.remove(i);
        all.addAll(Arrays.asList(extra));
        return all.toArray(new String[0]);
    }

    @Test
    void aServiceMeansFc2AndNoServiceMeansFc3() {
        assertThat(JobConfig.fromArgs(MINIMAL).fcApiVersion()).isEqualTo(FcApiVersion.V2_2016_08_15);
        JobConfig fc3 = JobConfig.fromArgs(withoutService());
        assertThat(fc3.fcApiVersion()).isEqualTo(FcApiVersion.V3_2023_03_30);
        assertThat(fc3.fcService()).isNull();
        assertThat(fc3.effectiveParameters()).containsEntry("fc.api-version", "2023-03-30");
        assertThat(JobPlan.of(fc3).fc().apiVersion()).isEqualTo(FcApiVersion.V3_2023_03_30);
        assertThat(JobPlan.of(fc3).jobName()).endsWith("-> fn");
        assertThat(JobConfig.fromArgs(withoutService("--fc.api-version", "2023-03-30"))
                        .fcApiVersion())
                .isEqualTo(FcApiVersion.V3_2023_03_30);
        assertThat(JobConfig.fromArgs(with("--fc.api-version", "2016-08-15")).fcApiVersion())
                .isEqualTo(FcApiVersion.V2_2016_08_15);
    }

    @Test
    void aServiceWithFc3IsAnErrorThatSaysSo() {
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--fc.api-version", "2023-03-30")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--fc.service 'svc' is not used by FC 3.0 (fc.api-version 2023-03-30)")
                .hasMessageContaining("remove --fc.service, or pass --fc.api-version 2016-08-15");
    }

    @Test
    void fc2WithoutAServiceAndAnUnknownApiVersionAreErrors() {
        assertThatThrownBy(() -> JobConfig.fromArgs(withoutService("--fc.api-version", "2016-08-15")))
                .hasMessageContaining("--fc.service is required with fc.api-version 2016-08-15");
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--fc.api-version", "3.0")))
                .hasMessageContaining("--fc.api-version '3.0' is not one of 2023-03-30 (FC 3.0), 2016-08-15 (FC 2.0)");
    }

    @Test
    void credentialsFailureGraceTakesADurationOfUpToOneDay() {
        assertThat(JobConfig.fromArgs(with("--credentials.failure-grace", "30s"))
                        .credentialsFailureGrace())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--credentials.failure-grace", "25h")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("credentials.failure-grace");
    }

    @Test
    void unitsAndChoicesParse() {
        JobConfig c = JobConfig.fromArgs(with(
                "--batch.max-bytes",
                "512KiB",
                "--batch.max-wait",
                "250ms",
                "--retry.interval",
                "2s",
                "--fc.read-timeout",
                "3min",
                "--datahub.protocol",
                "json",
                "--on-exhausted",
                "dead-letter",
                "--dead-letter.topic",
                "dlq",
                "--event.blob-encoding",
                "base64",
                "--start",
                "2026-11-21T08:00:00Z",
                "--stop",
                "1800000000000",
                "--fc.qualifier",
                "prod"));
        assertThat(c.batchMaxBytes()).isEqualTo(512 * 1024);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.fcReadTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.datahubProtocol()).isEqualTo(DataHubProtocol.JSON);
        assertThat(c.onExhausted()).isEqualTo(OnExhausted.DEAD_LETTER);
        assertThat(c.deadLetterTopic()).isEqualTo("dlq");
        assertThat(c.blobEncoding()).isEqualTo(BlobEncoding.BASE64);
        assertThat(c.start().kind()).isEqualTo(StartPosition.Kind.TIMESTAMP);
        assertThat(c.start().timestampMs())
                .isEqualTo(Instant.parse("2026-11-21T08:00:00Z").toEpochMilli());
        assertThat(c.stopMs()).isEqualTo(1800000000000L);
        assertThat(c.fcQualifier()).isEqualTo("prod");
        assertThat(c.isBounded()).isTrue();
        assertThat(JobConfig.fromArgs(with("--start", "oldest")).start().kind()).isEqualTo(StartPosition.Kind.OLDEST);
        assertThat(JobConfig.fromArgs(with("--start", "1700000000000")).start().timestampMs())
                .isEqualTo(1700000000000L);
    }

    @Test
    void unknownKeyNamesTheClosestAndListsAllValidKeys() {
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--batch.max-record", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown parameter --batch.max-record")
                .hasMessageContaining("Did you mean --batch.max-records?")
                .hasMessageContaining("datahub.fetch-max-records");
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--project", "x")))
                .hasMessageContaining("Did you mean --datahub.project?");
    }

    @Test
    void everyProblemIsReportedTogetherWithKeyValueAndWhatIsAllowed() {
        ConfigException e = (ConfigException) catchConfig(() -> JobConfig.fromArgs(with(
                "--batch.max-records",
                "0",
                "--batch.max-bytes",
                "64MiB",
                "--retry.interval",
                "5",
                "--on-exhausted",
                "skip",
                "--datahub.fetch-max-records",
                "lots")));
        assertThat(e.problems()).hasSize(5);
        assertThat(e.getMessage())
                .contains("--batch.max-records '0' is out of range: allowed 1..10000")
                .contains("--batch.max-bytes '64MiB' is out of range: allowed 1KiB..32MiB")
                .contains("--retry.interval '5' a unit is required: ms, s, min or h")
                .contains("--on-exhausted 'skip' is not one of suspend, fail, dead-letter")
                .contains("--datahub.fetch-max-records 'lots' is not a whole number");
    }

    @Test
    void requiredKeysAreNamed() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[0]))
                .hasMessageContaining("--datahub.endpoint is required")
                .hasMessageContaining("--datahub.project is required")
                .hasMessageContaining("--fc.function is required");
    }

    @Test
    void endpointRules() {
        assertThatThrownBy(
                        () -> JobConfig.fromArgs(replace("--datahub.endpoint", "http://dh-cn-hangzhou.aliyuncs.com")))
                .hasMessageContaining("http:// is only allowed for loopback");
        assertThatThrownBy(
                        () -> JobConfig.fromArgs(replace("--fc.endpoint", "https://1234.cn-hangzhou.fc.aliyuncs.com")))
                .hasMessageContaining("is not an internal endpoint")
                .hasMessageContaining("--fc.allow-public-endpoint true");
        JobConfig pub = JobConfig.fromArgs(with("--fc.allow-public-endpoint", "true"));
        assertThat(pub.fcAccountId()).isEqualTo("1234567890123456");
        assertThatThrownBy(() -> JobConfig.fromArgs(
                        replace("--fc.endpoint", "https://12423423992.fc.cn-shanghai-internal.aliyuncs.com")))
                .hasMessageContaining("did you mean https://12423423992.cn-shanghai-internal.fc.aliyuncs.com?");
        // loopback (the local kit): plain http, account and region must then be given
        assertThatThrownBy(() -> JobConfig.fromArgs(replace("--fc.endpoint", "http://127.0.0.1:9000")))
                .hasMessageContaining("--fc.account-id cannot be derived")
                .hasMessageContaining("--region cannot be derived");
        String[] loopback = replace(
                replace(MINIMAL, "--fc.endpoint", "http://127.0.0.1:9000"),
                "--datahub.endpoint",
                "http://localhost:9001");
        List<String> all = new ArrayList<>(Arrays.asList(loopback));
        all.addAll(List.of("--fc.account-id", "42", "--region", "cn-shanghai"));
        JobConfig local = JobConfig.fromArgs(all.toArray(new String[0]));
        assertThat(local.fcEndpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(local.region()).isEqualTo("cn-shanghai");
        assertThat(local.datahubEndpoint()).isEqualTo("http://localhost:9001");
    }

    @Test
    void deadLetterNeedsATopicOtherThanTheSource() {
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--on-exhausted", "dead-letter")))
                .hasMessageContaining("--dead-letter.topic is required with on-exhausted=dead-letter");
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--on-exhausted", "dead-letter", "--dead-letter.topic", "t1")))
                .hasMessageContaining("must not be the source topic");
    }

    @Test
    void aShardsBytesBudgetBelowOneBatchIsAnErrorAndAnEmptyCredentialsFileMeansTheStandardChain() {
        assertThatThrownBy(() -> JobConfig.fromArgs(
                        with("--batch.max-bytes", "4MiB", "--delivery.max-buffered-bytes-per-shard", "1MiB")))
                .hasMessageContaining(
                        "--delivery.max-buffered-bytes-per-shard '1MiB' must be at least batch.max-bytes (4MiB)");
        assertThat(JobConfig.fromArgs(with("--delivery.max-buffered-bytes-per-shard", "8MiB"))
                        .maxBufferedBytesPerShard())
                .isEqualTo(8L << 20);
        assertThat(JobConfig.fromArgs(MINIMAL).maxBufferedBytesPerShard())
                .as("twice batch.max-bytes, later")
                .isZero();
        assertThat(JobConfig.fromArgs(with("--credentials.file", "")).credentialsFile())
                .isNull();
    }

    @Test
    void timesAreChecked() {
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--start", "yesterday")))
                .hasMessageContaining("--start 'yesterday' is not OLDEST, LATEST, an ISO-8601 instant");
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--start", "1700000000000000")))
                .hasMessageContaining("milliseconds, not microseconds");
        assertThatThrownBy(() ->
                        JobConfig.fromArgs(with("--start", "2026-11-21T08:00:00Z", "--stop", "2026-11-21T07:00:00Z")))
                .hasMessageContaining("--stop '2026-11-21T07:00:00Z' must be after start");
    }

    @Test
    void malformedArgumentListsAreRejected() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"datahub.project", "x"}))
                .hasMessageContaining("parameters are given as --key value");
        assertThatThrownBy(() -> JobConfig.fromArgs(with("--fc.service", "other")))
                .hasMessageContaining("fc.service is given more than once");
    }

    @Test
    void readmeParameterTableIsTheCodesList() throws Exception {
        String readme = new String(Files.readAllBytes(RepoFiles.resolve("README.md")), StandardCharsets.UTF_8);
        assertThat(readme)
                .as("README.md must contain the table printed by JobOptions.markdownTable()")
                .contains(JobOptions.markdownTable());
    }

    private static String[] replace(String key, String value) {
        return replace(MINIMAL, key, value);
    }

    private static String[] replace(String[] args, String key, String value) {
        String[] a = args.clone();
        for (int i = 0; i < a.length; i++) if (a[i].equals(key)) a[i + 1] = value;
        return a;
    }

    private static RuntimeException catchConfig(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
