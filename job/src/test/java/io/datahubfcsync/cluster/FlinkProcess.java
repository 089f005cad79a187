package io.datahubfcsync.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One Flink JVM (JobManager or TaskManager) started by the harness, with its log file and console output. */
public final class FlinkProcess {

    /** Every JVM any harness in this test JVM started; the shutdown hook kills those still alive. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "flink-test-cluster-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path consoleFile;

    FlinkProcess(String name, Process process, Path logFile, Path consoleFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.consoleFile = consoleFile;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    public Path consoleFile() {
        return consoleFile;
    }

    /** The process's log4j file and its stdout/stderr, as far as written. */
    public String logText() {
        return read(logFile) + read(consoleFile);
    }

    /** SIGKILL: on Linux {@link Process#destroyForcibly()} sends signal 9, the process gets no chance to clean up. */
    public void killHard() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, as {@code bin/stop-cluster.sh} does; SIGKILL if it has not exited within {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            killHard();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /** The last lines of the logs, for failure messages when a process died on its own. */
    String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + (process.isAlive() ? ", alive" : ", exited " + process.exitValue())
                + ")";
    }

    private static String read(Path file) {
        try {
            // lenient decoding: a log is evidence, a stray byte in it must not hide the rest
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
