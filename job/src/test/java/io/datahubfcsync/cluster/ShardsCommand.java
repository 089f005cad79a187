package io.datahubfcsync.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp <job jar> io.datahubfcsync.cli.Shards ...} as a user runs it: a separate JVM with nothing but the
 * shaded job jar on its class path (no Flink runtime, no test classes), its stdout and stderr kept apart.
 */
final class ShardsCommand {

    static final String MAIN = "io.datahubfcsync.cli.Shards";

    private final Path jobJar;
    private final Path workDir;

    ShardsCommand(Path jobJar, Path workDir) {
        this.jobJar = jobJar;
        this.workDir = workDir;
    }

    /** What one run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\nstdout:\n" + stdout + "stderr:\n"
                    + stderr;
        }
    }

    /** {@code --jobmanager <jobManager> --job <jobId> <command...>}. */
    Result run(URI jobManager, String jobId, String... command) {
        List<String> args = new ArrayList<>(List.of("--jobmanager", jobManager.toString(), "--job", jobId));
        args.addAll(List.of(command));
        return runRaw(args);
    }

    Result runRaw(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                jobJar.toAbsolutePath().toString(),
                MAIN));
        cmd.addAll(args);
        String name = "shards-" + System.nanoTime();
        Path stdout = workDir.resolve(name + ".out");
        Path stderr = workDir.resolve(name + ".err");
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(cmd)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the shards command did not end within 90 s: " + cmd);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
