package io.datahubfcsync.source;

import static io.datahubfcsync.source.EmittedRecords.range;
import static io.datahubfcsync.source.EmittedRecords.sequencesPerShard;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataHub source on a MiniCluster, through the real DataHub SDK against the emulator, while
 * DataHub refuses the job's key: within {@code credentials.failure-grace} the job keeps running,
 * counts the refusals and reads on, without a restart and without losing or repeating a record,
 * once the credentials file holds a key DataHub accepts; past the grace it fails, naming the file.
 */
class RefusedCredentialsSourceITCase {
    private static final String PROJECT = "creds_it";

    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject(PROJECT);

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(2, METRICS.addToConfiguration(new Configuration()));

    @TempDir
    Path dir;

    private static void writeKey(Path file, String id, String secret) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, "access_key_id = " + id + "\naccess_key_secret = " + secret + "\n");
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static JobClient start(String topic, Path credentials, Duration grace, String run) throws Exception {
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .connection(new DataHubConnection(
                        DATAHUB.emulator().endpoint(),
                        DataHubProtocol.PROTOBUF,
                        CredentialsSource.fromFile(credentials.toString())))
                .project(PROJECT)
                .topic(topic)
                .startPosition(StartPosition.oldest())
                .shardDiscoveryInterval(Duration.ofMillis(200))
                .retryBackoffMax(Duration.ofMillis(300))
                .credentialsFailureGrace(grace)
                .build();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure would end the job: none must happen
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromSource(new DataHubSource(config), WatermarkStrategy.noWatermarks(), "DataHub source " + topic)
                .map(new EmittedRecords.Recorder(run))
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync(run);
    }

    private static void append(String topic, int perShard, int from) {
        for (String shard : List.of("0", "1")) {
            for (int i = from; i < from + perShard; i++) {
                DATAHUB.emulator()
                        .appendBlob(PROJECT, topic, shard, (shard + "/" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static long credentialFailures(JobID job) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> g :
                METRICS.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(g.getKey().getAllVariables().get("<job_id>"))) continue;
            Metric m = g.getValue().get(SourceReader.CREDENTIAL_FAILURES);
            if (m instanceof Counter c) sum += c.getCount();
        }
        return sum;
    }

    @Test
    void aKeyRefusedWithinTheGraceIsBackedOffAndTheRotatedKeyReadsOnWithNothingLostOrRepeated() throws Exception {
        String topic = "rotation";
        DATAHUB.emulator().createTopic(PROJECT, topic, 2, null);
        DATAHUB.emulator().acceptCredentials("LTAI-first", "first-secret");
        Path credentials = dir.resolve("credentials");
        writeKey(credentials, "LTAI-first", "first-secret");
        append(topic, 20, 0);
        String run = UUID.randomUUID().toString();
        JobClient job = start(topic, credentials, Duration.ofMinutes(2), run);
        try {
            Await.until("the first 40 records", WAIT, () -> EmittedRecords.count(run) >= 40);

            DATAHUB.emulator().revokeCredentials("LTAI-first"); // e.g. an STS token past its expiry
            append(topic, 20, 20);
            Await.until("refused reads counted", WAIT, () -> credentialFailures(job.getJobID()) >= 3);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            DATAHUB.emulator().acceptCredentials("LTAI-second", "second-secret");
            writeKey(credentials, "LTAI-second", "second-secret"); // the rotation lands late
            Await.until("all 80 records", WAIT, () -> EmittedRecords.count(run) >= 80);

            assertThat(sequencesPerShard(run))
                    .containsOnlyKeys("0", "1")
                    .allSatisfy((shard, seqs) -> assertThat(seqs).containsExactlyElementsOf(range(0, 40)));
            assertThat(job.getJobStatus().get()).as("no failover").isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusalsLongerThanTheGraceFailTheJobNamingTheCredentialsFileAndNoSecret() throws Exception {
        String topic = "no_rotation";
        DATAHUB.emulator().createTopic(PROJECT, topic, 2, null);
        DATAHUB.emulator().acceptCredentials("LTAI-doomed", "doomed-secret");
        Path credentials = dir.resolve("credentials");
        writeKey(credentials, "LTAI-doomed", "doomed-secret");
        append(topic, 5, 0);
        String run = UUID.randomUUID().toString();
        JobClient job = start(topic, credentials, Duration.ofSeconds(2), run);
        Await.until("the first 10 records", WAIT, () -> EmittedRecords.count(run) >= 10);

        DATAHUB.emulator().revokeCredentials("LTAI-doomed");

        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        String chain = chainOf(failure);
        assertThat(chain)
                .contains("refused the credentials from credentials file " + credentials)
                .contains("credentials.failure-grace")
                .doesNotContain("doomed-secret");
    }

    private static String chainOf(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            b.append(c.getMessage()).append('\n');
        return b.toString();
    }
}
