package io.datahubfcsync.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Builds and starts the java command lines that {@code bin/jobmanager.sh}, {@code bin/taskmanager.sh} and
 * {@code bin/flink} would run, from the jars in the Maven-built distribution folder (flink-dist is not on Maven
 * Central).
 */
final class FlinkJvmLauncher {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";

    /** flink-dist 2.x's JDK 17 flags; config.yaml's env.java.opts.all is read only by the bash scripts. */
    private static final List<String> FLINK_DIST_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Credentials of the test JVM must not leak into the cluster: a cluster gets exactly the ones a test hands it. */
    private static final String INHERITED_CREDENTIALS_PREFIX = "ALIBABA_CLOUD_";

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /**
     * Processes are spawned from this one thread, which lives as long as the test JVM: with {@code setpriv
     * --pdeathsig KILL} the kernel kills the children when the spawning thread dies, so even a test JVM that is
     * killed -9 (where no shutdown hook runs) leaves no Flink JVM behind.
     */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "flink-test-cluster-spawner");
        thread.setDaemon(true);
        return thread;
    });

    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Path distLib;
    private final Path confDir;
    private final Path logDir;
    private final Map<String, String> environment;
    private final Path pluginsDir;

    FlinkJvmLauncher(Path distLib, Path confDir, Path logDir, Map<String, String> extraEnvironment) {
        this(distLib, null, confDir, logDir, extraEnvironment);
    }

    /**
     * @param pluginsDir the distribution's {@code plugins/} folder (one sub-folder per plugin, e.g. the Prometheus
     *     metric reporter), handed to every process as FLINK_PLUGINS_DIR as {@code bin/config.sh} does; null for none
     */
    FlinkJvmLauncher(Path distLib, Path pluginsDir, Path confDir, Path logDir, Map<String, String> extraEnvironment) {
        this.distLib = distLib;
        this.pluginsDir = pluginsDir;
        this.confDir = confDir;
        this.logDir = logDir;
        this.environment = Map.copyOf(extraEnvironment);
    }

    /**
     * The memory/CPU options that the bash scripts compute with BashJavaUtils: line 1 JVM flags (-Xmx, -Xms,
     * MaxDirectMemorySize, MaxMetaspaceSize), line 2 {@code -D key=value} dynamic properties. A TaskManager refuses
     * to start without them.
     */
    ResourceParams resourceParams(String command) {
        List<String> cmd = List.of(
                java.toString(),
                "-cp",
                classpath(),
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command,
                "--configDir",
                confDir.toString());
        Path out = logDir.resolve("bash-java-utils-" + command + ".out");
        CommandResult result = runToCompletion(cmd, out, Duration.ofSeconds(60));
        List<String> lines = result.output()
                .lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
                .toList();
        if (result.exitCode() != 0 || lines.size() < 2) {
            throw new IllegalStateException(
                    "BashJavaUtils " + command + " failed (exit " + result.exitCode() + "):\n" + result.output());
        }
        return new ResourceParams(split(lines.get(0)), split(lines.get(lines.size() - 1)));
    }

    FlinkProcess start(String name, String mainClass, ResourceParams resources, List<String> extraDynamicProperties) {
        Path logFile = logDir.resolve(name + ".log");
        Path consoleFile = logDir.resolve(name + ".out");
        List<String> cmd = new ArrayList<>(jvmPrefix());
        cmd.addAll(resources.jvmOptions());
        cmd.add("-XX:+UseG1GC");
        cmd.addAll(loggingOptions(logFile));
        cmd.addAll(List.of("-cp", classpath(), mainClass, "--configDir", confDir.toString()));
        cmd.addAll(resources.dynamicProperties());
        cmd.addAll(extraDynamicProperties);
        Process process = spawn(cmd, consoleFile);
        return new FlinkProcess(name, process, logFile, consoleFile);
    }

    /** {@code bin/flink <args>}: the CLI finds the cluster through FLINK_CONF_DIR (rest.address/port). */
    CommandResult runCli(List<String> args, Duration timeout) {
        return runCli(args, timeout, environment);
    }

    /** As {@link #runCli(List, Duration)}, with {@code cliEnvironment} instead of the cluster's extra variables. */
    CommandResult runCli(List<String> args, Duration timeout, Map<String, String> cliEnvironment) {
        String name = "cli-" + System.nanoTime();
        List<String> cmd = new ArrayList<>(jvmPrefix());
        cmd.addAll(loggingOptions(logDir.resolve(name + ".log")));
        cmd.addAll(List.of("-cp", classpath(), CLI_MAIN));
        cmd.addAll(args);
        return runToCompletion(cmd, logDir.resolve(name + ".out"), timeout, cliEnvironment);
    }

    private List<String> jvmPrefix() {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
        }
        cmd.add(java.toString());
        cmd.addAll(opens());
        return cmd;
    }

    /** flink-dist's flags plus whatever the build adds for the SDKs (system property {@code jdk17.opens}). */
    private static List<String> opens() {
        Set<String> flags = new LinkedHashSet<>(FLINK_DIST_OPENS);
        String fromBuild = System.getProperty("jdk17.opens", "").trim();
        if (!fromBuild.isEmpty()) {
            flags.addAll(Arrays.asList(fromBuild.split("\\s+")));
        }
        return List.copyOf(flags);
    }

    private List<String> loggingOptions(Path logFile) {
        return List.of(
                "-Dlog.file=" + logFile, "-Dlog4j.configurationFile=file:" + confDir.resolve("log4j.properties"));
    }

    private String classpath() {
        return distLib + File.separator + "*";
    }

    private CommandResult runToCompletion(List<String> cmd, Path consoleFile, Duration timeout) {
        return runToCompletion(cmd, consoleFile, timeout, environment);
    }

    private CommandResult runToCompletion(
            List<String> cmd, Path consoleFile, Duration timeout, Map<String, String> extraEnvironment) {
        long started = System.nanoTime();
        Process process = spawn(cmd, consoleFile, extraEnvironment);
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
        if (!exited) {
            process.destroyForcibly();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        String output;
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            output = new String(Files.readAllBytes(consoleFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new CommandResult(exited ? process.exitValue() : -1, output, elapsed, !exited);
    }

    private Process spawn(List<String> cmd, Path consoleFile) {
        return spawn(cmd, consoleFile, environment);
    }

    private Process spawn(List<String> cmd, Path consoleFile, Map<String, String> extraEnvironment) {
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(logDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith(INHERITED_CREDENTIALS_PREFIX));
        // the credential chain's ECS RAM-role source would call an address outside this machine
        env.put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        env.put("FLINK_CONF_DIR", confDir.toString());
        if (pluginsDir != null) {
            env.put("FLINK_PLUGINS_DIR", pluginsDir.toString());
        }
        env.putAll(extraEnvironment);
        Future<Process> started = SPAWNER.submit(builder::start);
        try {
            return started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot start " + cmd, e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
    }

    private static List<String> split(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.trim().split("\\s+"));
    }

    /** BashJavaUtils' answer for one role. */
    record ResourceParams(List<String> jvmOptions, List<String> dynamicProperties) {
        static final ResourceParams NONE = new ResourceParams(List.of(), List.of());
    }

    /** A command that ran to its end (or was killed after its timeout). */
    public record CommandResult(int exitCode, String output, Duration elapsed, boolean timedOut) {}
}
