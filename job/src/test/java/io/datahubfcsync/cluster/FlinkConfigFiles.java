package io.datahubfcsync.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code conf/} folder of the test cluster: {@code config.yaml} (Flink 2.x reads only this name) and
 * {@code log4j.properties}. Keys are written flat, so a test's override is just a replaced entry.
 */
final class FlinkConfigFiles {

    private static final String LOG4J = """
            # append = true: a second log4j context (Pekko's isolated RPC classloader) reopens the file; with
            # append = false the log is cut to its last lines at shutdown.
            rootLogger.level = INFO
            rootLogger.appenderRef.file.ref = MainAppender
            appender.main.name = MainAppender
            appender.main.type = File
            appender.main.append = true
            appender.main.fileName = ${sys:log.file}
            appender.main.layout.type = PatternLayout
            appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            logger.pekko.name = org.apache.pekko
            logger.pekko.level = INFO
            logger.netty.name = org.apache.flink.shaded.netty4
            logger.netty.level = WARN
            """;

    private FlinkConfigFiles() {}

    /** Loopback-only cluster with free ports, fast failure detection and retained checkpoints. */
    static Map<String, String> defaults(Path workDir) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.rpc.address", "127.0.0.1");
        // several engineers' clusters share this machine: never a fixed port
        c.put("jobmanager.rpc.port", String.valueOf(freePort()));
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("taskmanager.memory.process.size", "1536m");
        // spread subtasks over the TaskManagers, so killing one hits a running job as it would in production
        c.put("taskmanager.load-balance.mode", "SLOTS");
        c.put("parallelism.default", "2");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(freePort()));
        c.put("web.upload.dir", workDir.resolve("web-upload").toString());
        c.put("web.log.path", workDir.resolve("log").resolve("jobmanager.log").toString());
        c.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        c.put("web.tmpdir", workDir.resolve("tmp").toString());
        // a killed TaskManager is noticed after ~2 failed heartbeat RPCs instead of ~50 s of heartbeat timeout
        c.put("heartbeat.interval", "2000");
        c.put("heartbeat.timeout", "20000");
        // the REST metric store refreshes every 10 s by default; tests read metrics right after changes
        c.put("metrics.fetcher.update-interval", "1000");
        c.put("execution.checkpointing.interval", "2s");
        c.put(
                "execution.checkpointing.dir",
                workDir.resolve("checkpoints").toUri().toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                workDir.resolve("savepoints").toUri().toString());
        c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        c.put("execution.checkpointing.num-retained", "3");
        c.put("state.backend.type", "hashmap");
        c.put("restart-strategy.type", "exponential-delay");
        c.put("restart-strategy.exponential-delay.initial-backoff", "1s");
        c.put("restart-strategy.exponential-delay.max-backoff", "10s");
        return c;
    }

    static void write(Path confDir, Map<String, String> config) {
        try {
            Files.createDirectories(confDir);
            String yaml = config.entrySet().stream()
                    .map(e -> e.getKey() + ": " + yamlScalar(e.getValue()))
                    .collect(Collectors.joining("\n", "# written by FlinkTestCluster\n", "\n"));
            Files.writeString(confDir.resolve("config.yaml"), yaml);
            Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Flink configuration into " + confDir, e);
        }
    }

    /** Quoted, so paths, URIs and durations stay strings whatever they contain. */
    private static String yamlScalar(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
