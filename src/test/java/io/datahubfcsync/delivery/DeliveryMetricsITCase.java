package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.TestRecordSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SPEC §5 delivery metrics as a user sees them: read back through the MiniCluster's REST API
 * (what the Flink web UI shows) while one shard retries and after everything was delivered, and
 * checked against what the FC emulator actually received.
 */
class DeliveryMetricsITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REST_POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHARDS = 3;
    private static final int PER_SHARD = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(fastMetricFetcher()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static FcEmulator fc;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The REST metric store refreshes every 10 s by default; a test should not wait that long. */
    private static Configuration fastMetricFetcher() {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(100));
        return conf;
    }

    @BeforeAll
    static void startFc() {
        fc = FcEmulator.builder().invocationLogCapacity(10_000).start();
        fc.deployFunction(FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo());
    }

    @AfterAll
    static void stopFc() {
        if (fc != null) fc.close();
    }

    @Test
    void perShardAndOperatorWideMetricsMatchWhatTheFunctionReceived(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        fc.faults().add(Fault.functionError("twice").whenEventId("1:7").times(2));
        fc.faults().add(Fault.latency(Duration.ofMillis(300)).whenEventId("0:3").times(1));
        Fault stuck = Fault.functionError("down until the test says so").whenEventId("2:10");
        fc.faults().add(stuck);
        DeliveryConfig config = FcTestBed.config().batchMaxRecords(5).retryInterval(Duration.ofMillis(100))
                .retryMaxAttempts(100_000).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FcDelivery.attach(FcTestBed.records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(SHARDS),
                SHARDS * PER_SHARD, 0)), config, FcTestBed.invokers(fc));
        JobClient job = env.executeAsync("metrics");
        try {
            Rest rest = new Rest(cluster.getRestAddress().get(30, TimeUnit.SECONDS), job.getJobID());

            // shard 2 retries its batch holding sequence 10: the UI shows it retrying, behind, and not past that batch
            Await.until("shard 2 retrying", TIMEOUT, () -> stuck.fired() >= 3);
            Batch retried = DeliveredBatches.of(fc.invocations().all()).stream().filter(b -> b.holds("2", 10))
                    .findFirst().orElseThrow();
            rest.await("shard 2 state", "shard.2.state", v -> v == 1);
            rest.await("shard 2 consecutiveFailures", "shard.2.consecutiveFailures", v -> v >= 2);
            rest.await("shard 2 deliveredSequence", "shard.2.deliveredSequence", v -> v == retried.first() - 1);
            rest.await("shard 2 pendingRecords", "shard.2.pendingRecords", v -> v == PER_SHARD - retried.first());
            // its oldest undelivered record (system time 1000 * (seq + 1)) is behind the shard's newest one
            rest.await("maxMillisBehindLatest", "maxMillisBehindLatest",
                    v -> v == 1000 * (PER_SHARD - 1 - retried.first()));
            rest.awaitSyncedUpTo(v -> v == 1000 * (retried.first() + 1));

            fc.faults().remove(stuck);
            Await.until("every shard delivered to its end", TIMEOUT, () -> {
                Map<String, List<Long>> delivered = deliveredPerShard(DeliveredBatches.of(fc.invocations().all()));
                return delivered.size() == SHARDS
                        && delivered.values().stream().allMatch(s -> s.equals(range(0, PER_SHARD)));
            });
            List<Batch> invocations = DeliveredBatches.of(fc.invocations().all());
            for (int s = 0; s < SHARDS; s++) {
                String shard = String.valueOf(s);
                long calls = invocations.stream().filter(b -> b.shard().equals(shard)).count();
                long failed = invocations.stream().filter(b -> b.shard().equals(shard) && !b.succeeded()).count();
                rest.await("shard " + shard + " deliveredSequence", "shard." + shard + ".deliveredSequence",
                        v -> v == PER_SHARD - 1);
                rest.await("shard " + shard + " pendingRecords", "shard." + shard + ".pendingRecords", v -> v == 0);
                rest.await("shard " + shard + " state", "shard." + shard + ".state", v -> v == 0);
                rest.await("shard " + shard + " consecutiveFailures", "shard." + shard + ".consecutiveFailures",
                        v -> v == 0);
                rest.await("shard " + shard + " invocations = calls FC received", "shard." + shard + ".invocations",
                        v -> v == calls);
                rest.await("shard " + shard + " failedAttempts = failed calls", "shard." + shard + ".failedAttempts",
                        v -> v == failed);
                // one call of shard 0 was held 300 ms by the emulator (the others' latency depends on the machine)
                boolean slowed = shard.equals("0");
                rest.await("shard " + shard + " invokeLatencyMs_max", "shard." + shard + ".invokeLatencyMs_max",
                        v -> slowed ? v >= 300 && v < 10_000 : v >= 0);
            }
            assertThat(invocations).filteredOn(b -> !b.succeeded()).extracting(Batch::shard)
                    .as("failures were injected on shards 1 and 2 only").containsOnly("1", "2");
            rest.await("maxMillisBehindLatest once drained", "maxMillisBehindLatest", v -> v == 0);
            // everything delivered: nothing holds the done time back, it is the current time (not the last record's)
            long drainedAt = System.currentTimeMillis();
            rest.awaitSyncedUpTo(v -> v >= drainedAt);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads the delivery operator's metrics like the web UI does: aggregated over the vertex's subtasks. */
    private final class Rest {
        private final URI base;
        private final JobID jobId;
        private String vertexId;

        Rest(URI base, JobID jobId) {
            this.base = base;
            this.jobId = jobId;
        }

        /** Waits until the metric whose id ends with {@code .suffix} has a value (max over subtasks) that {@code ok} accepts. */
        void await(String what, String suffix, java.util.function.LongPredicate ok) {
            await(what, suffix, "max", ok);
        }

        void await(String what, String suffix, String agg, java.util.function.LongPredicate ok) {
            Await.value(what, TIMEOUT, REST_POLL, () -> value(suffix, agg), v -> v.isPresent() && ok.test(v.get()));
        }

        /**
         * The job's "done time": the smallest {@code syncedUpTo} of the subtasks (one without
         * undelivered records reports the current time, and keyBy may leave one without any shard).
         */
        void awaitSyncedUpTo(java.util.function.LongPredicate ok) {
            Await.value("syncedUpTo over the subtasks that hold shards", TIMEOUT, REST_POLL, () -> {
                String id = metricId("syncedUpTo");
                if (id == null) return Optional.<Long>empty();
                long min = Long.MAX_VALUE;
                for (int subtask = 0; subtask < 2; subtask++) {
                    JsonNode values = get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/" + subtask
                            + "/metrics?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                    if (!values.isArray() || values.isEmpty()) return Optional.<Long>empty();
                    long v = values.get(0).path("value").asLong();
                    if (v >= 0) min = Math.min(min, v);
                }
                return min == Long.MAX_VALUE ? Optional.<Long>empty() : Optional.of(min);
            }, v -> v.isPresent() && ok.test(v.get()));
        }

        private Optional<Long> value(String suffix, String agg) throws IOException, InterruptedException {
            String id = metricId(suffix);
            if (id == null) return Optional.empty(); // not reported yet
            JsonNode values = get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/metrics?get="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=" + agg);
            return values.isArray() && !values.isEmpty() && values.get(0).has(agg)
                    ? Optional.of(Math.round(values.get(0).path(agg).asDouble())) : Optional.empty();
        }

        /** Id of the vertex's metric ending with {@code .suffix} (the operator name comes before it), or null. */
        private String metricId(String suffix) throws IOException, InterruptedException {
            for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/metrics")) {
                if (m.path("id").asText().endsWith("." + suffix)) return m.path("id").asText();
            }
            return null;
        }

        private String vertex() throws IOException, InterruptedException {
            if (vertexId == null) {
                for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
                    if (v.path("name").asText().contains("FC " + FcTestBed.SERVICE + "/" + FcTestBed.FUNCTION)) {
                        vertexId = v.path("id").asText();
                    }
                }
                if (vertexId == null) throw new IOException("no FC vertex in job " + jobId + " (yet)");
            }
            return vertexId;
        }

        private JsonNode get(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }
    }
}
