package io.datahubfcsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.flink.api.common.JobID;

/** Reads a running job's delivery metrics and checkpoint counts over Flink's REST API, as the web UI does. */
public final class JobRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final JobID jobId;
    private final String operatorName;
    private String vertexId;

    public JobRest(URI base, JobID jobId, String operatorName) {
        this.base = base;
        this.jobId = jobId;
        this.operatorName = operatorName;
    }

    /** The delivery metric ending with {@code .suffix} aggregated over the subtasks ({@code max}, {@code sum}, ...), if reported. */
    public Optional<Long> metric(String suffix, String agg) throws IOException, InterruptedException {
        String id = metricId(suffix);
        if (id == null) return Optional.empty();
        JsonNode values = get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/metrics?get="
                + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=" + agg);
        return values.isArray() && !values.isEmpty() && values.get(0).has(agg)
                ? Optional.of(Math.round(values.get(0).path(agg).asDouble()))
                : Optional.empty();
    }

    /** The delivery metric ending with {@code .suffix} of one subtask, if reported. */
    public Optional<Long> subtaskMetric(String suffix, int subtask) throws IOException, InterruptedException {
        String id = metricId(suffix);
        if (id == null) return Optional.empty();
        JsonNode values = get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/" + subtask + "/metrics?get="
                + URLEncoder.encode(id, StandardCharsets.UTF_8));
        return values.isArray() && !values.isEmpty()
                ? Optional.of(values.get(0).path("value").asLong())
                : Optional.empty();
    }

    /** Id of the vertex's metric ending with {@code .suffix} (the operator name comes before it), or null. */
    private String metricId(String suffix) throws IOException, InterruptedException {
        for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertex() + "/subtasks/metrics")) {
            if (m.path("id").asText().endsWith("." + suffix))
                return m.path("id").asText();
        }
        return null;
    }

    /** Checkpoints completed so far. */
    long completedCheckpoints() throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    String status() throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    private String vertex() throws IOException, InterruptedException {
        if (vertexId == null) {
            for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
                if (v.path("name").asText().contains(operatorName))
                    vertexId = v.path("id").asText();
            }
            if (vertexId == null) throw new IOException("no vertex " + operatorName + " in job " + jobId + " (yet)");
        }
        return vertexId;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
