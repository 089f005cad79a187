package io.datahubfcsync.bench;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The local kit set up for a benchmark: a TUPLE topic pre-loaded with ~100-byte records, an FC function. */
final class BenchKit implements AutoCloseable {
    static final String PROJECT = "bench";
    static final String TOPIC = "orders";
    static final String SERVICE = "svc";
    static final String FUNCTION = "fn";
    /** {@code -Dbench.fc.api-version} as given, empty when not: FC 2.0, under the benchmark's plain name. */
    private static final String API_GIVEN =
            System.getProperty("bench.fc.api-version", "").trim();
    /** The FC API a kit calls unless it is made for another: {@code -Dbench.fc.api-version}, FC 2.0 without it. */
    static final FcApiVersion API = API_GIVEN.isEmpty()
            ? FcApiVersion.V2_2016_08_15
            : FcApiVersion.byId(API_GIVEN)
                    .orElseThrow(() ->
                            new IllegalArgumentException("bench.fc.api-version must be 2016-08-15 or 2023-03-30"));

    /**
     * Job parameters every benchmark job gets on top of its own, to compare settings: comma-separated
     * ({@code -Dbench.jvm.args=-Dbench.job.args=--datahub.fetch-concurrency,32}); none by default.
     */
    static final List<String> EXTRA_JOB_ARGS = extraJobArgs(System.getProperty("bench.job.args", ""));

    private static List<String> extraJobArgs(String commaSeparated) {
        return commaSeparated.isBlank()
                ? List.of()
                : List.of(commaSeparated.trim().split("\\s*,\\s*"));
    }

    final DataHubEmulator datahub = DataHubEmulator.start();
    final FcEmulator fc = FcEmulator.builder().invocationLogCapacity(2_000_000).start();
    /** Which FC API this kit's jobs and baselines call. */
    final FcApiVersion api;

    private int countedCalls;
    private long countedRecords;

    BenchKit(int shards) {
        this(shards, API);
    }

    /** A kit whose jobs and baselines call {@code api}; the FC emulator hosts the function on both APIs. */
    BenchKit(int shards, FcApiVersion api) {
        this.api = api;
        datahub.createProject(PROJECT);
        datahub.createTopic(PROJECT, TOPIC, shards, schema());
        StreamRequestHandler answerAtOnce = (in, out, ctx) -> {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            out.write('1');
        };
        fc.createService(SERVICE);
        fc.deployFunction(SERVICE, FUNCTION, answerAtOnce);
        fc.deployFunction3(FUNCTION, answerAtOnce);
    }

    /** Five fields that render to about 100 bytes of event JSON per record. */
    static RecordSchema schema() {
        RecordSchema s = new RecordSchema();
        s.addField(new Field("order_id", FieldType.BIGINT));
        s.addField(new Field("customer", FieldType.STRING));
        s.addField(new Field("amount", FieldType.DOUBLE));
        s.addField(new Field("paid", FieldType.BOOLEAN));
        s.addField(new Field("created_at", FieldType.TIMESTAMP));
        return s;
    }

    static String[] values(long i) {
        return new String[] {
            String.valueOf(i),
            "customer-" + (i % 1000),
            String.valueOf((i % 50000) / 100.0),
            String.valueOf(i % 3 != 0),
            String.valueOf(1_700_000_000_000_000L + i)
        };
    }

    void preload(int shards, int perShard) {
        for (int s = 0; s < shards; s++) {
            for (long i = 0; i < perShard; i++) datahub.appendTuple(PROJECT, TOPIC, String.valueOf(s), values(i));
        }
    }

    String[] jobArgs(String... extra) {
        return jobArgsFor(FUNCTION, extra);
    }

    /** The job's parameters against the kit, invoking {@code function} of the kit's service. */
    String[] jobArgsFor(String function, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--datahub.endpoint",
                datahub.endpoint(),
                "--datahub.project",
                PROJECT,
                "--datahub.topic",
                TOPIC,
                "--fc.endpoint",
                fc.endpoint(),
                "--fc.account-id",
                fc.accountId(),
                "--region",
                fc.region(),
                "--fc.api-version",
                api.id(),
                "--fc.function",
                function,
                "--start",
                "OLDEST"));
        if (api == FcApiVersion.V2_2016_08_15) a.addAll(List.of("--fc.service", SERVICE));
        a.addAll(List.of(extra));
        a.addAll(EXTRA_JOB_ARGS);
        return a.toArray(new String[0]);
    }

    /** The FC connection the baselines use: the kit's API, as the job's. */
    FcConnection.Builder fcConnection() {
        FcConnection.Builder b = FcConnection.builder()
                .apiVersion(api)
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .function(FUNCTION);
        return api == FcApiVersion.V2_2016_08_15 ? b.service(SERVICE) : b;
    }

    /** The {@code -D} option that chose the API, for the recorded command; empty when none was given. */
    static String commandOption() {
        return API_GIVEN.isEmpty() ? "" : " -Dbench.fc.api-version=" + API.id();
    }

    /** A results name that says which FC API the figures are for, when one was asked for. */
    static String resultsName(String benchmark) {
        if (API_GIVEN.isEmpty()) return benchmark;
        return benchmark + (API == FcApiVersion.V2_2016_08_15 ? "-fc2" : "-fc3");
    }

    /** Runs the job to its stop time on a local Flink (parallelism p) and returns the records/s FC saw. */
    double runBounded(int parallelism, long totalRecords, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(jobArgs(extra)));
        args.addAll(List.of("--stop", String.valueOf(System.currentTimeMillis() + 1)));
        JobPlan plan = DataHubFcSyncJob.prepare(args.toArray(new String[0]));
        Configuration conf = Configuration.fromMap(Map.of(
                "taskmanager.numberOfTaskSlots", String.valueOf(parallelism), "pipeline.auto-generate-uids", "false"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(5_000);
        clearInvocations();
        DataHubFcSyncJob.build(env, plan);
        env.execute(plan.jobName());
        long delivered = deliveredRecords();
        // a figure over fewer records than pre-loaded (stopped early, lost, repeated) would flatter the job
        if (delivered != totalRecords) {
            throw new IllegalStateException("the job delivered " + delivered + " records, expected " + totalRecords);
        }
        return recordsPerSecond(totalRecords);
    }

    /**
     * Records inside the events the function answered with success (one {@code eventId} per record).
     * Counts only calls logged since the last call, so polling it while a job runs stays cheap.
     */
    synchronized long deliveredRecords() {
        List<InvocationRecord> all = fc.invocations().all();
        for (InvocationRecord inv : all.subList(countedCalls, all.size())) {
            if (inv.outcome() != InvocationRecord.Outcome.SUCCESS) continue;
            String body = inv.payloadUtf8();
            int i = -1;
            while ((i = body.indexOf("\"eventId\"", i + 1)) >= 0) countedRecords++;
        }
        countedCalls = all.size();
        return countedRecords;
    }

    /** Forgets the calls logged so far, before a new run. */
    synchronized void clearInvocations() {
        fc.invocations().clear();
        countedCalls = 0;
        countedRecords = 0;
    }

    /** Delivered records over the window from the first request received to the last answer. */
    double recordsPerSecond(long totalRecords) {
        List<InvocationRecord> all = fc.invocations().all();
        Instant first = all.stream()
                .map(InvocationRecord::received)
                .min(Instant::compareTo)
                .orElseThrow();
        Instant last = all.stream()
                .map(InvocationRecord::finished)
                .max(Instant::compareTo)
                .orElseThrow();
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        return totalRecords / seconds;
    }

    @Override
    public void close() {
        fc.close();
        datahub.close();
    }
}
