package io.datahubfcsync.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.aliyun.fc.runtime.StreamRequestHandler;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.testing.JobArguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the job's real-cluster tests start with: the shaded job jar, the DataHub and FC emulators,
 * a JobManager and TaskManagers as separate JVMs that hold the emulators' test keys in their
 * environment, and the jar uploaded. Figures the test gathers are printed and written to the
 * cluster's work folder when the kit closes.
 */
final class ClusterKit implements AutoCloseable {
    static final String JOB_CLASS = "io.datahubfcsync.job.DataHubFcSyncJob";
    /** A function that answers every event with an empty JSON object, as a sink that accepts everything. */
    static final StreamRequestHandler ANSWERS_EMPTY_OBJECT =
            (in, out, context) -> out.write("{}".getBytes(StandardCharsets.UTF_8));

    final Path jar;
    final DataHubEmulator datahub;
    final FcEmulator fc;
    final FlinkTestCluster cluster;
    final String jarId;
    private final String name;
    private final String reportTitle;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final Set<String> projects = new HashSet<>();

    private ClusterKit(Builder b, Path jar, DataHubEmulator datahub, FcEmulator fc, FlinkTestCluster cluster) {
        this.name = b.name;
        this.reportTitle = b.reportTitle;
        this.jar = jar;
        this.datahub = datahub;
        this.fc = fc;
        this.cluster = cluster;
        this.jarId = cluster.uploadJar(jar);
    }

    /** The shaded job jar; the test is skipped (not failed) where it has not been built. */
    static Path jobJar() {
        Path jar = Path.of(System.getProperty("job.jar", "target/datahub-fc-sync-0.1.0-SNAPSHOT.jar"));
        assumeTrue(Files.isRegularFile(jar), "the shaded job jar " + jar + " is built by 'mvn package'");
        return jar;
    }

    /**
     * @param name names the cluster's work folder and the figures file
     * @param testClass whose figures the report shows
     */
    static Builder builder(String name, Class<?> testClass) {
        return new Builder(name, testClass.getSimpleName() + " figures");
    }

    /**
     * The arguments that point the job at the emulators: DataHub {@code project/topic} and the FC 2.0
     * {@code service/function}, then {@code more} as they are.
     */
    List<String> args(String project, String topic, String service, String function, String... more) {
        return JobArguments.pointedAt(datahub, fc, project, topic, service, function, more);
    }

    /** As {@link #args}, for a function of the FC 3.0 API (no service). */
    List<String> fc3Args(String project, String topic, String function, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--datahub.endpoint",
                datahub.endpoint(),
                "--datahub.project",
                project,
                "--datahub.topic",
                topic,
                "--fc.endpoint",
                fc.endpoint(),
                "--fc.account-id",
                fc.accountId(),
                "--region",
                fc.region(),
                "--fc.api-version",
                "2023-03-30",
                "--fc.function",
                function));
        args.addAll(List.of(more));
        return args;
    }

    /** Creates the BLOB topic, and its project unless an earlier call created it. */
    void topic(String project, String topic, int shards) {
        if (projects.add(project)) datahub.createProject(project);
        datahub.createTopic(project, topic, shards, null);
    }

    /** Deploys an FC 2.0 function that accepts every event ({@link #ANSWERS_EMPTY_OBJECT}). */
    void function(String service, String function) {
        fc.createService(service);
        fc.deployFunction(service, function, ANSWERS_EMPTY_OBJECT);
    }

    /** Appends {@code {"n":i}} for i in 0..perShard-1 to shards 0..shards-1, round by round. */
    void appendNumbered(String project, String topic, int shards, int perShard) {
        for (int i = 0; i < perShard; i++) {
            for (int s = 0; s < shards; s++) {
                datahub.appendBlob(
                        project, topic, String.valueOf(s), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Submits the job; {@code savepoint} may be null. @return the job id */
    String submit(List<String> args, int parallelism, String savepoint) {
        return cluster.runJar(jarId, JOB_CLASS, args, parallelism, savepoint);
    }

    /** Submits the job and waits until it runs. @return the job id */
    String submitRunning(List<String> args, int parallelism, String savepoint, Duration timeout) {
        String id = submit(args, parallelism, savepoint);
        cluster.awaitJobStatus(id, "RUNNING", timeout);
        return id;
    }

    /** A figure for the report, in the order figures are added (a later one of the same name replaces it). */
    void figure(String what, String value) {
        figures.put(what, value);
    }

    /** Stops the cluster, reports the figures, then stops the emulators. */
    @Override
    public void close() {
        try {
            cluster.close();
            report();
        } finally {
            try {
                fc.close();
            } finally {
                datahub.close();
            }
        }
    }

    private void report() {
        if (figures.isEmpty()) return;
        StringBuilder report = new StringBuilder();
        figures.forEach((what, value) ->
                report.append("FIGURE ").append(what).append(": ").append(value).append('\n'));
        try {
            Files.writeString(cluster.workDir().resolve(name + "-figures.txt"), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(reportTitle + "\n" + report);
    }

    static final class Builder {
        private final String name;
        private final String reportTitle;
        private DataHubEmulator.Builder datahub = DataHubEmulator.builder();
        private FcEmulator.Builder fc = FcEmulator.builder();
        private Consumer<FlinkTestCluster.Builder> clusterSettings = b -> {};

        private Builder(String name, String reportTitle) {
            this.name = name;
            this.reportTitle = reportTitle;
        }

        Builder dataHub(DataHubEmulator.Builder datahub) {
            this.datahub = datahub;
            return this;
        }

        Builder fc(FcEmulator.Builder fc) {
            this.fc = fc;
            return this;
        }

        /** Settings beyond the kit's (two TaskManagers, the emulators' test keys). */
        Builder cluster(Consumer<FlinkTestCluster.Builder> settings) {
            this.clusterSettings = settings;
            return this;
        }

        /** Skips the test where the job jar is not built; otherwise starts everything, or nothing is left running. */
        ClusterKit start() {
            Path jar = jobJar();
            DataHubEmulator dataHubEmulator = datahub.start();
            FcEmulator fcEmulator = null;
            FlinkTestCluster flink = null;
            try {
                fcEmulator = fc.start();
                FlinkTestCluster.Builder b = FlinkTestCluster.builder()
                        .name(name)
                        .taskManagers(2)
                        .environment(CredentialsSource.ENV_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_ID)
                        .environment(CredentialsSource.ENV_ACCESS_KEY_SECRET, DataHubEmulator.TEST_ACCESS_KEY_SECRET);
                clusterSettings.accept(b);
                flink = b.start();
                return new ClusterKit(this, jar, dataHubEmulator, fcEmulator, flink);
            } catch (RuntimeException | Error e) {
                if (flink != null) flink.close();
                if (fcEmulator != null) fcEmulator.close();
                dataHubEmulator.close();
                throw e;
            }
        }
    }
}
