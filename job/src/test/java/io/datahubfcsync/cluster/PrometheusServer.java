package io.datahubfcsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, with its own config file and
 * an empty TSDB under the test's work folder, read through its HTTP API ({@code /api/v1/...}) as Grafana and
 * Alertmanager read it. Also runs {@code promtool}, which the same package ships.
 */
final class PrometheusServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path logFile;
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path logFile, URI base) {
        this.process = process;
        this.logFile = logFile;
        this.base = base;
    }

    /**
     * The {@code prometheus} binary: {@code -Dprometheus.bin}, else the one on PATH. Missing it fails the test with
     * what to do (the monitoring claims cannot be checked without it, and a skipped check would look like a pass).
     */
    static Path prometheusBinary() {
        return binary("prometheus");
    }

    static Path promtoolBinary() {
        return binary("promtool");
    }

    /**
     * Starts {@code prometheus --config.file=<workDir>/prometheus.yml} with {@code configYaml} written there; rule
     * files named in it resolve relative to {@code workDir}. Returns once {@code /-/ready} answers 200.
     */
    static PrometheusServer start(Path workDir, String configYaml) {
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve("prometheus.yml");
            Files.writeString(config, configYaml);
            int port = FlinkConfigFiles.freePort();
            Path logFile = workDir.resolve("prometheus.log");
            List<String> cmd = new ArrayList<>();
            Path setpriv = Path.of("/usr/bin/setpriv");
            if (Files.isExecutable(setpriv)) {
                // the kernel kills the server with the test JVM, even one killed -9
                cmd.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL"));
            }
            cmd.addAll(List.of(
                    prometheusBinary().toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info"));
            Process process = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "prometheus-reaper"));
            PrometheusServer server = new PrometheusServer(process, logFile, URI.create("http://127.0.0.1:" + port));
            try {
                server.awaitReady();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start prometheus in " + workDir, e);
        }
    }

    /** {@code promtool <args>} in {@code dir}; its exit code and console output. */
    static FlinkJvmLauncher.CommandResult promtool(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(promtoolBinary().toString());
        cmd.addAll(List.of(args));
        long started = System.nanoTime();
        try {
            Process process = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            // promtool's output is small; read it to the end, then wait for the exit code
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            return new FlinkJvmLauncher.CommandResult(
                    exited ? process.exitValue() : -1, output, Duration.ofNanos(System.nanoTime() - started), !exited);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }

    URI base() {
        return base;
    }

    /** {@code GET /api/v1/query?query=...}: the {@code data} of an instant query; a PromQL error fails the test. */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + encode(promql));
    }

    /** The series an instant query returns ({@code data.result}), empty when the expression matches nothing. */
    List<JsonNode> series(String promql) {
        List<JsonNode> series = new ArrayList<>();
        query(promql).path("result").forEach(series::add);
        return series;
    }

    /** {@code GET /api/v1/label/<label>/values?match[]=<selector>}: what Grafana's {@code label_values()} lists. */
    List<String> labelValues(String label, String selector) {
        List<String> values = new ArrayList<>();
        get("/api/v1/label/" + label + "/values?match[]=" + encode(selector)).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** {@code GET /api/v1/targets}: the active scrape targets with their health. */
    JsonNode targets() {
        return get("/api/v1/targets").path("activeTargets");
    }

    /** {@code GET /api/v1/rules?type=alert}: every loaded alert rule with its expression, state and active alerts. */
    List<JsonNode> alertRules() {
        List<JsonNode> rules = new ArrayList<>();
        get("/api/v1/rules?type=alert")
                .path("groups")
                .forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    /** The rule's state as its last evaluation left it: inactive, pending or firing. */
    String alertState(String alertName) {
        return alertRule(alertName).path("state").asText();
    }

    JsonNode alertRule(String alertName) {
        return alertRules().stream()
                .filter(r -> r.path("name").asText().equals(alertName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert rule " + alertName + " loaded; loaded: "
                        + alertRules().stream()
                                .map(r -> r.path("name").asText())
                                .toList()));
    }

    /** The last lines of the server's own log, for failure messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        RestPoll.until("prometheus ready at " + base, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + logTail(30));
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve("/-/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
    }

    private JsonNode get(String pathAndQuery) {
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " at prometheus " + base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "prometheus answered GET " + pathAndQuery + " with " + response.statusCode() + " and no JSON: "
                            + response.body(),
                    e);
        }
        if (!body.path("status").asText().equals("success")) {
            // an Error, not an exception: a bad expression is final, polling it again would only hide it
            throw new AssertionError("prometheus rejected GET " + decode(pathAndQuery) + ": "
                    + body.path("errorType").asText() + ": "
                    + body.path("error").asText());
        }
        return body.path("data");
    }

    private static Path binary(String name) {
        String configured = System.getProperty(name + ".bin");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new AssertionError("-D" + name + ".bin=" + configured + " is not an executable file");
            }
            return path;
        }
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")
                .split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " not found on PATH: the monitoring test runs a real Prometheus server and "
                + "promtool from Debian's 'prometheus' package. Install it with 'sudo bash .ci/install-prometheus.sh' "
                + "(CI's .ci/run does) or 'apt-get install prometheus', or point -D" + name + ".bin at the binary.");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
