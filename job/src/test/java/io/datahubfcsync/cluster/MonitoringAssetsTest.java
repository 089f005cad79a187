package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.metrics.DeclaredMetricNames;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.ShardDeliveryMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped dashboard and alert rules agree with the job's metrics (OperationsClusterIT evaluates them against a
 * real Prometheus; this checks what needs no server).
 */
class MonitoringAssetsTest {

    private static final MonitoringAssets ASSETS = MonitoringAssets.ofProject();

    @Test
    void alertRulesUseTheStateValuesTheDeliveryMetricsReport() {
        Map<String, String> exprs = new java.util.TreeMap<>();
        ASSETS.alertRules().forEach(r -> exprs.put(r.name(), r.expr()));
        assertThat(exprs)
                .containsOnlyKeys(
                        "DataHubFcSyncShardSuspended",
                        "DataHubFcSyncShardRetrying",
                        "DataHubFcSyncLagHigh",
                        "DataHubFcSyncJobNotRunning");
        assertThat(exprs.get("DataHubFcSyncShardSuspended")).endsWith("== " + ShardDeliveryMetrics.STATE_SUSPENDED);
        assertThat(exprs.get("DataHubFcSyncShardRetrying")).endsWith("== " + ShardDeliveryMetrics.STATE_RETRYING);
        assertThat(ASSETS.alertRules())
                .filteredOn(r -> r.name().equals("DataHubFcSyncShardRetrying"))
                .singleElement()
                .extracting(MonitoringAssets.AlertRule::forDuration)
                .isEqualTo("10m");
    }

    /**
     * The job's metrics the dashboard and the alerts query, as Prometheus names them
     * ({@code flink_taskmanager_job_task_operator_<metric>}, per shard {@code ..._shard_<metric>}), are
     * metrics the job registers under those names: renaming one in {@link MetricNames} breaks this.
     */
    @Test
    void everyJobMetricTheDashboardAndAlertsQueryIsOneTheJobRegisters() {
        Set<String> operatorWide = DeclaredMetricNames.of(
                MetricNames.SourceReader.class, MetricNames.Delivery.class, MetricNames.Subscription.class);
        Set<String> perShard = DeclaredMetricNames.of(MetricNames.SourceShard.class, MetricNames.DeliveryShard.class);
        List<String> exprs = new ArrayList<>();
        ASSETS.dashboardQueries().forEach(q -> exprs.add(q.expr()));
        ASSETS.alertRules().forEach(r -> exprs.add(r.expr()));
        Pattern jobMetric =
                Pattern.compile("flink_taskmanager_job_task_operator_(" + MetricNames.SHARD_GROUP + "_)?(\\w+)");
        Set<String> seen = new TreeSet<>();
        for (String expr : exprs) {
            Matcher m = jobMetric.matcher(expr);
            while (m.find()) {
                seen.add(m.group());
                assertThat(m.group(1) != null ? perShard : operatorWide)
                        .as(m.group() + " in " + expr)
                        .contains(m.group(2));
            }
        }
        assertThat(seen).as("job metrics the dashboard and alerts read").hasSizeGreaterThan(5);
    }

    @Test
    void everyDashboardPanelHasATitleADescriptionAndTheDataSourceVariable() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(ASSETS.dir().resolve(MonitoringAssets.DASHBOARD).toFile());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("unique panel id " + panel.path("id"))
                    .isTrue();
            assertThat(panel.path("title").asText()).isNotBlank();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("description").asText())
                    .as(panel.path("title").asText())
                    .isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
        assertThat(ASSETS.labelValuesVariables())
                .extracting(MonitoringAssets.LabelValuesVariable::name)
                .containsExactly("job_name");
    }

    @Test
    void everyDashboardQueryIsFilteredByTheJobVariable() {
        List<String> unfiltered = new ArrayList<>();
        for (MonitoringAssets.PanelQuery query : ASSETS.dashboardQueries()) {
            if (!query.expr().contains("job_name=~\"$job_name\"")) {
                unfiltered.add(query.toString());
            }
        }
        assertThat(unfiltered).isEmpty();
    }

    @Test
    void theShardStatePanelNamesEveryStateTheMetricCanTake() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(ASSETS.dir().resolve(MonitoringAssets.DASHBOARD).toFile());
        JsonNode panel = null;
        for (JsonNode p : dashboard.path("panels")) {
            if (p.path("title").asText().equals("Shard state")) {
                panel = p;
            }
        }
        assertThat(panel).as("a 'Shard state' panel").isNotNull();
        JsonNode options = panel.path("fieldConfig")
                .path("defaults")
                .path("mappings")
                .get(0)
                .path("options");
        for (int state : new int[] {
            ShardDeliveryMetrics.STATE_RUNNING,
            ShardDeliveryMetrics.STATE_RETRYING,
            ShardDeliveryMetrics.STATE_EXHAUSTED,
            ShardDeliveryMetrics.STATE_SUSPENDED
        }) {
            assertThat(options.path(String.valueOf(state)).path("text").asText())
                    .as("state " + state)
                    .isNotBlank();
        }
    }

    @Test
    void grafanaVariablesAreSubstitutedAndRegexValuesEscaped() {
        assertThat(MonitoringAssets.substitute(
                        "rate(x{job_name=~\"$job_name\"}[$__rate_interval]) + ${job_name}",
                        Map.of("job_name", "a", "__rate_interval", "4s")))
                .isEqualTo("rate(x{job_name=~\"a\"}[4s]) + a");
        assertThat(MonitoringAssets.regexLiteral("fn.v1")).isEqualTo("fn\\\\.v1");
    }
}
