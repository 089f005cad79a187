package io.datahubfcsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code deploy/monitoring/} ships, read the way Grafana and Prometheus read it: the dashboard's queries and
 * template variables, the alert rules, the example scrape config.
 */
final class MonitoringAssets {

    static final String DASHBOARD = "grafana-dashboard.json";
    static final String ALERTS = "alerts.yml";
    static final String ALERT_TESTS = "alerts-test.yml";
    static final String PROMETHEUS_CONFIG = "prometheus.yml";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*(\\w+)\\)$");

    private final Path dir;

    MonitoringAssets(Path dir) {
        if (!Files.isRegularFile(dir.resolve(DASHBOARD))) {
            throw new IllegalStateException("no " + DASHBOARD + " in " + dir.toAbsolutePath());
        }
        this.dir = dir;
    }

    /** The folder of the checked-out project ({@code mvn} runs tests in the project's base directory). */
    static MonitoringAssets ofProject() {
        return new MonitoringAssets(RepoFiles.resolve("deploy", "monitoring"));
    }

    Path dir() {
        return dir.toAbsolutePath();
    }

    /** One PromQL query of a dashboard panel, as Grafana sends it before variable substitution. */
    record PanelQuery(String panel, String refId, String expr) {
        @Override
        public String toString() {
            return "panel '" + panel + "' query " + refId + ": " + expr;
        }
    }

    /** A template variable defined by {@code label_values(<selector>, <label>)}. */
    record LabelValuesVariable(String name, String selector, String label, String allValue) {}

    /** One alerting rule: its name, PromQL expression and {@code for} duration (empty for "at once"). */
    record AlertRule(String name, String expr, String forDuration) {}

    /** Every panel target of the dashboard, rows' nested panels included. */
    List<PanelQuery> dashboardQueries() {
        List<PanelQuery> queries = new ArrayList<>();
        collect(readJson(DASHBOARD).path("panels"), queries);
        return queries;
    }

    List<LabelValuesVariable> labelValuesVariables() {
        List<LabelValuesVariable> variables = new ArrayList<>();
        for (JsonNode variable : readJson(DASHBOARD).path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher m = LABEL_VALUES.matcher(text.trim());
            if (!m.matches()) {
                throw new AssertionError(
                        "dashboard variable " + variable.path("name").asText()
                                + " is not a label_values(<selector>, <label>) query: " + text);
            }
            variables.add(new LabelValuesVariable(
                    variable.path("name").asText(),
                    m.group(1).trim(),
                    m.group(2),
                    variable.path("allValue").asText(null)));
        }
        return variables;
    }

    /**
     * Replaces Grafana's {@code $name}, {@code ${name}} and {@code [[name]]} references with {@code values} (keys
     * without the {@code $}), including built-ins such as {@code __rate_interval}; an unknown reference fails.
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}|\\[\\[(\\w+)]]|\\$(\\w+)").matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new AssertionError("dashboard query uses $" + name + ", which the test does not know: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code value} as a PromQL regex matching exactly it, as Grafana escapes a single value for {@code =~}. */
    static String regexLiteral(String value) {
        return value.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\\\\\$1");
    }

    List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : readYaml(ALERTS).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    rules.add(new AlertRule(
                            rule.path("alert").asText(),
                            rule.path("expr").asText().trim(),
                            rule.path("for").asText("")));
                }
            }
        }
        return rules;
    }

    /**
     * The example {@code prometheus.yml} made to scrape {@code targets} every second, evaluating the rules every
     * second from the shipped rule file: the shipped config with only its intervals and targets replaced.
     */
    String prometheusConfigFor(List<String> targets) {
        JsonNode config = readYaml(PROMETHEUS_CONFIG);
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ObjectNode root = (ObjectNode) config;
        root.putArray("rule_files").add(dir().resolve(ALERTS).toString());
        JsonNode scrape = config.path("scrape_configs");
        if (scrape.size() != 1) {
            throw new AssertionError(
                    PROMETHEUS_CONFIG + " should hold exactly one active scrape config, has " + scrape.size());
        }
        ObjectNode flink = (ObjectNode) scrape.get(0);
        flink.putArray("static_configs").addObject().set("targets", JSON.valueToTree(targets));
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scrape job name of the example config: the {@code job} label of every scraped series. */
    String scrapeJobName() {
        return readYaml(PROMETHEUS_CONFIG)
                .path("scrape_configs")
                .get(0)
                .path("job_name")
                .asText();
    }

    /**
     * The dashboard's queries as a Prometheus recording-rule file, so {@code promtool check rules} parses every
     * one of them offline ({@code values} fills the Grafana variables).
     */
    String dashboardQueriesAsRecordingRules(Map<String, String> values) {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (PanelQuery query : dashboardQueries()) {
            rules.append("      - record: dashboard:query_")
                    .append(++n)
                    .append('\n')
                    .append("        expr: ")
                    .append(jsonString(substitute(query.expr(), values)))
                    .append('\n');
        }
        return rules.toString();
    }

    private static void collect(JsonNode panels, List<PanelQuery> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    into.add(new PanelQuery(
                            panel.path("title").asText(),
                            target.path("refId").asText(),
                            target.path("expr").asText()));
                }
            }
            collect(panel.path("panels"), into);
        }
    }

    private JsonNode readJson(String file) {
        try {
            return JSON.readTree(dir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
        }
    }

    private JsonNode readYaml(String file) {
        try {
            return YAML.readTree(dir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
        }
    }

    /** A JSON string is a valid YAML double-quoted scalar: the expression survives quotes and backslashes. */
    private static String jsonString(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
