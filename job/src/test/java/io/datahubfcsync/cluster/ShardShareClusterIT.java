package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.metrics.MetricNames.SourceReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static ClusterKit kit;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("share", ShardShareClusterIT.class).start();
        kit.topic(PROJECT, TOPIC, 4);
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 10; i++) {
                kit.datahub.appendBlob(PROJECT, TOPIC, String.valueOf(s), "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
        kit.function(SERVICE, FUNCTION);
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    @Test
    void eachSourceSubtaskReadsItsShare_atStartAfterAResumeAtParallelism3AndAfterASplit() {
        String first = kit.submit(jobArgs(), 2, null);
        kit.cluster.awaitJobStatus(first, "RUNNING", TIMEOUT);
        List<Integer> atStart = awaitShares(first, 2, 4);
        kit.figure("parallelism 2, 4 shards", atStart.toString());
        assertThat(atStart).containsExactly(2, 2);

        String savepoint = kit.cluster.stopWithSavepoint(first, TIMEOUT);
        String resumed = kit.submit(jobArgs(), 3, savepoint);
        kit.cluster.awaitJobStatus(resumed, "RUNNING", TIMEOUT);
        List<Integer> afterResume = awaitShares(resumed, 3, 4);
        kit.figure("resumed at parallelism 3, 4 shards", afterResume.toString());
        assertThat(afterResume).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));

        kit.datahub.splitShard(PROJECT, TOPIC, "0"); // shard 0 closes; once read to its end its two children start
        List<Integer> afterSplit = awaitShares(resumed, 3, 5);
        kit.figure("after splitting shard 0, 5 open shards", afterSplit.toString());
        assertThat(afterSplit).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        kit.cluster.cancel(resumed, TIMEOUT);
    }

    /** Each source subtask's openShards, once they add up to {@code open}. */
    private static List<Integer> awaitShares(String jobId, int parallelism, int open) {
        String source = kit.cluster.vertex(jobId, "DataHub source").id();
        String metric = RestPoll.until(
                "the openShards gauge",
                TIMEOUT,
                () -> kit.cluster.vertexMetricIds(jobId, source).stream()
                        .filter(id -> id.endsWith("." + SourceReader.OPEN_SHARDS))
                        .map(id -> id.substring(id.indexOf('.') + 1))
                        .findFirst());
        return RestPoll.until(open + " open shards over " + parallelism + " subtasks", TIMEOUT, () -> {
            List<Integer> shares = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                Optional<Double> n = kit.cluster.subtaskMetric(jobId, source, i, metric);
                if (n.isEmpty()) return Optional.empty();
                shares.add(n.get().intValue());
            }
            return shares.stream().mapToInt(Integer::intValue).sum() == open ? Optional.of(shares) : Optional.empty();
        });
    }

    private static List<String> jobArgs() {
        return kit.args(
                PROJECT, TOPIC, SERVICE, FUNCTION, "--start", "OLDEST", "--datahub.shard-discovery-interval", "1s");
    }
}
