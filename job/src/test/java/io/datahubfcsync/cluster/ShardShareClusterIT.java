package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every source subtask gets its share, on a real cluster (JobManager + 2 TaskManagers as separate
 * JVMs, the shaded job jar), read from each subtask's {@code openShards} gauge over REST: 4 shards
 * at parallelism 2 are 2 per subtask; after stop-with-savepoint and a resume at parallelism 3 no
 * subtask holds more than ceil(4 / 3) = 2; after a split (5 open shards) still at most 2.
 */
class ShardShareClusterIT {
    private static final String JOB_CLASS = "io.datahubfcsync.job.DataHubFcSyncJob";
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static DataHubEmulator datahub;
    private static FcEmulator fc;
    private static FlinkTestCluster cluster;
    private static String jarId;
    private static final Map<String, String> FIGURES = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        Path jar = Path.of(System.getProperty("job.jar", "target/datahub-fc-sync-0.1.0-SNAPSHOT.jar"));
        assumeTrue(Files.isRegularFile(jar), "the shaded job jar " + jar + " is built by 'mvn package'");
        datahub = DataHubEmulator.start();
        datahub.createProject(PROJECT);
        datahub.createTopic(PROJECT, TOPIC, 4, null);
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 10; i++) {
                datahub.appendBlob(PROJECT, TOPIC, String.valueOf(s), "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
        fc = FcEmulator.start();
        fc.createService(SERVICE);
        fc.deployFunction(SERVICE, FUNCTION, (in, out, ctx) -> out.write("{}".getBytes(StandardCharsets.UTF_8)));
        cluster = FlinkTestCluster.builder().name("share").taskManagers(2)
                .environment(CredentialsSource.ENV_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_ID)
                .environment(CredentialsSource.ENV_ACCESS_KEY_SECRET, DataHubEmulator.TEST_ACCESS_KEY_SECRET)
                .start();
        jarId = cluster.uploadJar(jar);
    }

    @AfterAll
    static void stop() {
        if (!FIGURES.isEmpty()) {
            StringBuilder report = new StringBuilder("ShardShareClusterIT figures\n");
            FIGURES.forEach((k, v) -> report.append(k).append(": ").append(v).append('\n'));
            System.out.print(report);
        }
        if (cluster != null) cluster.close();
        if (fc != null) fc.close();
        if (datahub != null) datahub.close();
    }

    @Test
    void eachSourceSubtaskReadsItsShare_atStartAfterAResumeAtParallelism3AndAfterASplit() {
        String first = cluster.runJar(jarId, JOB_CLASS, jobArgs(), 2, null);
        cluster.awaitJobStatus(first, "RUNNING", TIMEOUT);
        List<Integer> atStart = awaitShares(first, 2, 4);
        FIGURES.put("parallelism 2, 4 shards", atStart.toString());
        assertThat(atStart).containsExactly(2, 2);

        String savepoint = cluster.stopWithSavepoint(first, TIMEOUT);
        String resumed = cluster.runJar(jarId, JOB_CLASS, jobArgs(), 3, savepoint);
        cluster.awaitJobStatus(resumed, "RUNNING", TIMEOUT);
        List<Integer> afterResume = awaitShares(resumed, 3, 4);
        FIGURES.put("resumed at parallelism 3, 4 shards", afterResume.toString());
        assertThat(afterResume).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));

        datahub.splitShard(PROJECT, TOPIC, "0"); // shard 0 closes; once read to its end its two children start
        List<Integer> afterSplit = awaitShares(resumed, 3, 5);
        FIGURES.put("after splitting shard 0, 5 open shards", afterSplit.toString());
        assertThat(afterSplit).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        cluster.cancel(resumed, TIMEOUT);
    }

    /** Each source subtask's openShards, once they add up to {@code open}. */
    private static List<Integer> awaitShares(String jobId, int parallelism, int open) {
        String source = cluster.vertex(jobId, "DataHub source").id();
        String metric = RestPoll.until("the openShards gauge", TIMEOUT, () -> cluster.vertexMetricIds(jobId, source).stream()
                .filter(id -> id.endsWith("." + SourceReader.OPEN_SHARDS))
                .map(id -> id.substring(id.indexOf('.') + 1)).findFirst());
        return RestPoll.until(open + " open shards over " + parallelism + " subtasks", TIMEOUT, () -> {
            List<Integer> shares = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                Optional<Double> n = cluster.subtaskMetric(jobId, source, i, metric);
                if (n.isEmpty()) return Optional.empty();
                shares.add(n.get().intValue());
            }
            return shares.stream().mapToInt(Integer::intValue).sum() == open ? Optional.of(shares) : Optional.empty();
        });
    }

    private static List<String> jobArgs() {
        return List.of("--datahub.endpoint", datahub.endpoint(), "--datahub.project", PROJECT, "--datahub.topic", TOPIC,
                "--fc.endpoint", fc.endpoint(), "--fc.account-id", fc.accountId(), "--region", fc.region(),
                "--fc.service", SERVICE, "--fc.function", FUNCTION, "--start", "OLDEST",
                "--datahub.shard-discovery-interval", "1s");
    }
}
