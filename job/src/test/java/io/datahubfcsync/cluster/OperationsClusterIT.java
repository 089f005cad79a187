package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.DemoProducer;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.KitConnections;
import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Operating the job on a real cluster (a JobManager and two TaskManagers as separate JVMs running the shaded job jar):
 * <ul>
 *   <li>Prometheus and Grafana: the processes run Flink's Prometheus reporter as {@code flink-conf/config.yaml}
 *   configures it (the reporter jar in the distribution's plugins folder), a real Prometheus server (Debian's
 *   package) scrapes them with the shipped {@code deploy/monitoring/prometheus.yml} and evaluates the shipped alert
 *   rules, and every query of the shipped Grafana dashboard and every alert expression is run through Prometheus's
 *   HTTP API while the job delivers, while one shard retries with half an hour of backlog, while a shard is
 *   suspended, and after the job is cancelled; promtool checks the files and runs the rules' unit tests.</li>
 *   <li>The shards command, run as users run it ({@code java -cp <job jar> io.datahubfcsync.cli.Shards}): the list
 *   during the retry storm, resume after a suspension, and its one-line errors.</li>
 * </ul>
 * One job runs through the phases in order; FC fault injection makes the storm and the suspension.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsClusterIT {

    private static final String PROJECT = "monitoring";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "sink";
    private static final int SHARDS = 4;
    private static final String STUCK_SHARD = "0";
    /** Long enough for the storm's checks before the stuck shard is suspended; short enough to wait for. */
    private static final int RETRY_ATTEMPTS = 36;

    private static final String RETRY_INTERVAL = "500ms";
    private static final String REPORTER_PORT = "metrics.reporter.prom.port";
    /** The test's scrape and rule evaluation interval is 1 s; four of them, as Grafana's $__rate_interval would be. */
    private static final String RATE_INTERVAL = "4s";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final String SHARD_STATE = "flink_taskmanager_job_task_operator_shard_state";
    private static final String SUSPENDED = "DataHubFcSyncShardSuspended";
    private static final String RETRYING = "DataHubFcSyncShardRetrying";
    private static final String LAG = "DataHubFcSyncLagHigh";
    private static final String NOT_RUNNING = "DataHubFcSyncJobNotRunning";

    private static final MonitoringAssets ASSETS = MonitoringAssets.ofProject();

    private static ShiftableClock dataHubClock;
    private static ClusterKit kit;
    private static PrometheusServer prometheus;
    private static DemoProducer producer;
    private static ShardsCommand shards;
    /** The record of the stuck shard whose batch FC fails from the storm until the function is fixed. */
    private static long stuckSequence;

    private static Fault storm;
    private static String jobId;
    /** The job's name as the {@code job_name} label of its series carries it. */
    private static String jobName;

    @BeforeAll
    static void start() {
        ClusterKit.jobJar();
        // fail, not skip: without these the monitoring claims would go unchecked and look green
        PrometheusServer.prometheusBinary();
        PrometheusServer.promtoolBinary();
        Path plugin =
                Path.of(System.getProperty("flink.dist.plugins", "target/flink-dist-plugins"), "metrics-prometheus");
        assertThat(plugin)
                .as("the Prometheus reporter plugin folder (mvn pre-integration-test copies "
                        + "flink-metrics-prometheus there, as flink-dist ships it)")
                .isDirectoryContaining("glob:**/flink-metrics-prometheus-*.jar");

        dataHubClock = new ShiftableClock();
        Map<String, String> shippedMetrics = shippedMetricsConfiguration();
        kit = ClusterKit.builder("monitoring", OperationsClusterIT.class)
                .dataHub(DataHubEmulator.builder().clock(dataHubClock))
                .fc(FcEmulator.builder().invocationLogCapacity(100_000))
                .cluster(b -> {
                    // the shipped range 9249-9259 could meet another cluster on this machine: one free port per process
                    b.perProcessPort(REPORTER_PORT);
                    shippedMetrics.forEach(b::config);
                })
                .start();
        kit.figure("metrics configuration from flink-conf/config.yaml", shippedMetrics.toString());
        kit.figure("cluster start", kit.cluster.startupTime().toMillis() + " ms");
        kit.topic(PROJECT, TOPIC, SHARDS);
        kit.function(SERVICE, FUNCTION);

        List<String> targets = kit.cluster.processPorts(REPORTER_PORT).values().stream()
                .map(p -> "127.0.0.1:" + p)
                .toList();
        prometheus = PrometheusServer.start(
                kit.cluster.workDir().resolve("prometheus"), ASSETS.prometheusConfigFor(targets));

        jobId = kit.submit(
                kit.args(
                        PROJECT,
                        TOPIC,
                        SERVICE,
                        FUNCTION,
                        "--start",
                        "OLDEST",
                        "--batch.max-records",
                        "20",
                        "--retry.interval",
                        RETRY_INTERVAL,
                        "--retry.max-attempts",
                        String.valueOf(RETRY_ATTEMPTS),
                        "--datahub.subscription",
                        "auto"),
                2,
                null);
        kit.cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);
        // Flink's reporter writes label values with every character but [a-zA-Z0-9_:] replaced by '_'
        jobName = kit.cluster.job(jobId).path("name").asText().replaceAll("[^a-zA-Z0-9_:]", "_");
        shards = new ShardsCommand(kit.jar, kit.cluster.workDir().resolve("shards-command"));
        producer = DemoProducer.start(KitConnections.dataHub(kit.datahub).createSdkClient(), PROJECT, TOPIC, 80);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    // ---------------------------------------------------------------- files

    @Test
    @Order(1)
    void promtoolAcceptsTheAlertRulesTheirUnitTestsTheScrapeConfigAndEveryDashboardQuery() throws IOException {
        assertPromtool("check", "rules", MonitoringAssets.ALERTS);
        assertPromtool("test", "rules", MonitoringAssets.ALERT_TESTS);
        assertPromtool("check", "config", MonitoringAssets.PROMETHEUS_CONFIG);

        // promtool parses PromQL only in rule files: the dashboard's queries become recording rules for the check
        Path queries = kit.cluster.workDir().resolve("dashboard-queries.rules.yml");
        Files.writeString(queries, ASSETS.dashboardQueriesAsRecordingRules(grafanaVariables(".*")));
        FlinkJvmLauncher.CommandResult result =
                PrometheusServer.promtool(ASSETS.dir(), "check", "rules", queries.toString());
        assertThat(result.exitCode())
                .as("promtool check rules on the dashboard's queries:\n" + result.output())
                .isZero();
        assertThat(result.output())
                .contains("SUCCESS: " + ASSETS.dashboardQueries().size() + " rules found");
        kit.figure(
                "dashboard queries checked by promtool",
                String.valueOf(ASSETS.dashboardQueries().size()));
    }

    // ---------------------------------------------------------------- a healthy job

    @Test
    @Order(2)
    void prometheusScrapesTheJobManagerAndEveryTaskManagerAndSeesEveryShardWhileNoAlertIsActive() {
        Map<String, Integer> ports = kit.cluster.processPorts(REPORTER_PORT);
        RestPoll.until("all " + ports.size() + " Flink processes scraped and up", TIMEOUT, () -> {
            List<String> up = new ArrayList<>();
            prometheus.targets().forEach(t -> {
                if (t.path("health").asText().equals("up")) {
                    up.add(t.path("scrapeUrl").asText());
                }
            });
            return up.size() == ports.size() ? Optional.of(up) : Optional.empty();
        });

        // the shard id is a label of the delivery operator's per-shard metrics, on both TaskManagers' subtasks
        Map<String, Double> states = RestPoll.until(
                "the state of all " + SHARDS + " shards in Prometheus",
                TIMEOUT,
                () -> Optional.of(byShard(prometheus.series("max by (shard) (" + SHARD_STATE + ")")))
                        .filter(s -> s.size() == SHARDS));
        assertThat(states)
                .as("every shard running")
                .allSatisfy((shard, state) -> assertThat(state).isZero());
        assertThat(prometheus.series("count by (tm_id) (flink_taskmanager_Status_JVM_CPU_Load)"))
                .as("each TaskManager's own metrics, labelled with its resource id")
                .hasSize(2);
        assertThat(prometheus.labelValues("job_name", "flink_jobmanager_job_runningState"))
                .contains(jobName);
        RestPoll.until(
                "records delivered on every shard",
                TIMEOUT,
                () -> Optional.of(byShard(prometheus.series(
                                "max by (shard) (flink_taskmanager_job_task_operator_shard_deliveredSequence)")))
                        .filter(s -> s.size() == SHARDS && s.values().stream().allMatch(v -> v >= 10)));

        // none of the alerts holds for a healthy job: each expression returns nothing, each rule is inactive
        Await.until(
                "the rules evaluated after the job's series arrived",
                TIMEOUT,
                () -> prometheus.alertRules().stream()
                        .allMatch(r -> r.path("health").asText().equals("ok")
                                && !r.path("lastEvaluation").asText().startsWith("0001")));
        for (MonitoringAssets.AlertRule rule : ASSETS.alertRules()) {
            assertThat(prometheus.series(rule.expr()))
                    .as(rule.name() + " on a healthy job: " + rule.expr())
                    .isEmpty();
            // a rule evaluated while the job was still starting (no runningState series yet) may be pending:
            // its next evaluation on the healthy job's series must make it inactive
            Await.until(
                    rule.name() + " inactive on the healthy job",
                    TIMEOUT,
                    () -> "inactive".equals(prometheus.alertState(rule.name())));
        }
    }

    @Test
    @Order(3)
    void theShardsCommandRunFromTheJobJarAloneListsEveryShardRunning() {
        ShardsCommand.Result result = shards.run(kit.cluster.restAddress(), jobId, "list", "--json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).isEmpty();
        Map<String, JsonNode> rows = rowsByShard(result);
        assertThat(rows.keySet()).containsExactly("0", "1", "2", "3");
        assertThat(rows.values()).allSatisfy(row -> {
            assertThat(row.path("state").asText()).isEqualTo("running");
            assertThat(row.path("consecutiveFailures").asInt()).isZero();
            assertThat(row.path("lastError").isNull()).isTrue();
            assertThat(row.path("deliveredSequence").asLong())
                    .isBetween(0L, row.path("readSequence").asLong());
        });
        kit.figure("shards list --json (JVM start included)", result.elapsed().toMillis() + " ms");
    }

    @Test
    @Order(3)
    void theDataHubSubscriptionShowsEveryShardsDeliveredPositionNeverAheadOfFc() {
        List<String> ids = List.of("0", "1", "2", "3");
        assertThat(kit.datahub.subscriptionIds(PROJECT, TOPIC))
                .as("datahub.subscription=auto created one")
                .hasSize(1);
        String subId = kit.datahub.subscriptionIds(PROJECT, TOPIC).get(0);
        Map<String, Long> firstSeen = Await.value(
                "every shard's delivered position in the subscription",
                TIMEOUT,
                () -> kit.datahub.committedSequences(PROJECT, TOPIC, subId, ids),
                m -> m.values().stream().allMatch(v -> v >= 0));
        Map<String, Long> acknowledged = acknowledgedBySuccess();
        firstSeen.forEach((shard, committed) -> assertThat(committed)
                .as("shard %s: committed no further than FC acknowledged", shard)
                .isLessThanOrEqualTo(acknowledged.getOrDefault(shard, -1L)));
        // the producer goes on: later checkpoints move every shard's position on
        Await.until("every shard's committed position moving on", TIMEOUT, () -> {
            Map<String, Long> now = kit.datahub.committedSequences(PROJECT, TOPIC, subId, ids);
            return ids.stream().allMatch(s -> now.get(s) > firstSeen.get(s));
        });
    }

    /** Highest sequence per shard inside the events FC answered with success. */
    private static Map<String, Long> acknowledgedBySuccess() {
        return DeliveredBatches.highestDelivered(
                DeliveredBatches.of(kit.fc.invocations().all()));
    }

    // ---------------------------------------------------------------- a retry storm with a backlog

    @Test
    @Order(4)
    void
            duringARetryStormWithHalfAnHourOfBacklogEveryDashboardQueryReturnsSeriesTheRetryAndLagAlertsGoPendingAndListShowsTheShardRetrying() {
        // every call whose event holds this record of shard 0 fails: the shard retries its batch, the others go on
        stuckSequence = lastSequence(STUCK_SHARD) + 5;
        storm = kit.fc
                .faults()
                .add(Fault.functionError("injected: the function fails on this batch")
                        .whenEventId(STUCK_SHARD + ":" + stuckSequence)
                        .onlyFor(SERVICE, FUNCTION));
        Await.until("the stuck batch failed twice", TIMEOUT, () -> storm.fired() >= 2);
        // records written from now on are 40 minutes younger than the stuck one: a backlog without the wait
        dataHubClock.advance(Duration.ofMinutes(40));

        JsonNode retrying = awaitAlert(RETRYING, "pending");
        assertThat(retrying.path("labels").path("shard").asText()).isEqualTo(STUCK_SHARD);
        assertThat(retrying.path("labels").path("job_name").asText()).isEqualTo(jobName);
        JsonNode lag = awaitAlert(LAG, "pending");
        assertThat(lag.path("value").asDouble()).as("lag in seconds").isGreaterThan(30 * 60);
        kit.figure("lag alert value during the storm", lag.path("value").asText() + " s");

        Map<String, Double> states = byShard(prometheus.series("max by (shard) (" + SHARD_STATE + ")"));
        assertThat(states)
                .as("only the stuck shard retries")
                .containsEntry(STUCK_SHARD, 1.0)
                .allSatisfy((shard, state) -> assertThat(state).isEqualTo(shard.equals(STUCK_SHARD) ? 1.0 : 0.0));

        // Grafana's variable query lists the job; every panel query with it selected returns series
        for (MonitoringAssets.LabelValuesVariable variable : ASSETS.labelValuesVariables()) {
            assertThat(prometheus.labelValues(variable.label(), variable.selector()))
                    .as("dashboard variable " + variable.name())
                    .contains(jobName);
        }
        Map<String, String> variables = grafanaVariables(MonitoringAssets.regexLiteral(jobName));
        List<String> empty = new ArrayList<>();
        Map<String, Integer> seriesPerQuery = new TreeMap<>();
        for (MonitoringAssets.PanelQuery query : ASSETS.dashboardQueries()) {
            int series = prometheus
                    .series(MonitoringAssets.substitute(query.expr(), variables))
                    .size();
            seriesPerQuery.put(query.panel() + " " + query.refId(), series);
            if (series == 0) {
                empty.add(query.toString());
            }
        }
        kit.figure("series per dashboard query during the storm", seriesPerQuery.toString());
        assertThat(empty).as("dashboard queries that returned no series").isEmpty();

        // and the alert expressions that hold right now return the stuck shard / the job
        assertThat(prometheus.series(expr(RETRYING)))
                .singleElement()
                .satisfies(
                        s -> assertThat(s.path("metric").path("shard").asText()).isEqualTo(STUCK_SHARD));
        assertThat(prometheus.series(expr(LAG)))
                .singleElement()
                .satisfies(s ->
                        assertThat(s.path("metric").path("job_name").asText()).isEqualTo(jobName));
        assertThat(prometheus.series(expr(SUSPENDED)))
                .as("nothing suspended: a retrying shard is state 1")
                .isEmpty();
        assertThat(prometheus.series(expr(NOT_RUNNING))).as("the job runs").isEmpty();

        // the shards command during the storm: the stuck shard retrying with its last error, the others running
        ShardsCommand.Result json = shards.run(kit.cluster.restAddress(), jobId, "list", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        Map<String, JsonNode> rows = rowsByShard(json);
        JsonNode stuck = rows.get(STUCK_SHARD);
        assertThat(stuck.path("state").asText()).isEqualTo("retrying");
        assertThat(stuck.path("consecutiveFailures").asInt()).isPositive();
        assertThat(stuck.path("lastError").asText()).contains("injected: the function fails on this batch");
        assertThat(stuck.path("lastErrorRequestId").asText()).isNotBlank();
        assertThat(stuck.path("lastErrorTime").asText()).isNotBlank();
        assertThat(stuck.path("deliveredSequence").asLong()).isLessThan(stuckSequence);
        assertThat(stuck.path("millisBehindLatest").asLong())
                .as("the 40-minute backlog")
                .isGreaterThan(30 * 60_000L);
        rows.forEach((shard, row) -> assertThat(row.path("state").asText())
                .as("shard " + shard)
                .isEqualTo(shard.equals(STUCK_SHARD) ? "retrying" : "running"));
        ShardsCommand.Result table = shards.run(kit.cluster.restAddress(), jobId, "list");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()
                        .lines()
                        .filter(l -> l.startsWith(STUCK_SHARD + " "))
                        .findFirst()
                        .orElseThrow())
                .contains("retrying")
                .contains("injected: the function fails on this batch");
        kit.figure(
                "shards list during the storm (" + json.elapsed().toMillis() + " ms, as a table "
                        + table.elapsed().toMillis() + " ms, JVM start included)",
                "\n" + table.stdout());
    }

    // ---------------------------------------------------------------- the storm outlasts the retry budget

    @Test
    @Order(5)
    void aStormThatOutlastsTheRetryBudgetSuspendsTheShardFiresTheSuspendedAlertAndListShowsIt() {
        // retry.max-attempts failed attempts, then the shard stops while the others go on
        JsonNode alert = RestPoll.until(
                SUSPENDED + " firing", Duration.ofMillis(RETRY_ATTEMPTS * 500L).plus(TIMEOUT), () -> {
                    JsonNode rule = prometheus.alertRule(SUSPENDED);
                    return rule.path("state").asText().equals("firing")
                            ? Optional.of(rule.path("alerts").get(0))
                            : Optional.empty();
                });
        assertThat(alert.path("labels").path("shard").asText()).isEqualTo(STUCK_SHARD);
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(storm.fired()).as("attempts before the suspension").isGreaterThanOrEqualTo(RETRY_ATTEMPTS);
        assertThat(prometheus.series(expr(SUSPENDED)))
                .singleElement()
                .satisfies(
                        s -> assertThat(s.path("metric").path("shard").asText()).isEqualTo(STUCK_SHARD));
        // a suspended shard is no longer retrying: that alert goes back to inactive
        awaitAlert(RETRYING, "inactive");
        // the dashboard shows it: state 3 in the per-shard state panel, one shard not running
        Map<String, String> variables = grafanaVariables(MonitoringAssets.regexLiteral(jobName));
        assertThat(byShard(prometheus.series(MonitoringAssets.substitute(panelQuery("Shard state"), variables))))
                .containsEntry(STUCK_SHARD, 3.0);
        assertThat(prometheus.series(MonitoringAssets.substitute(panelQuery("Shards not running"), variables)))
                .singleElement()
                .satisfies(s -> assertThat(s.path("value").get(1).asDouble()).isEqualTo(1.0));

        ShardsCommand.Result list = shards.run(kit.cluster.restAddress(), jobId, "list", "--json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        Map<String, JsonNode> rows = rowsByShard(list);
        JsonNode suspended = rows.get(STUCK_SHARD);
        assertThat(suspended.path("state").asText()).isEqualTo("suspended");
        assertThat(suspended.path("consecutiveFailures").asInt()).isEqualTo(RETRY_ATTEMPTS);
        assertThat(suspended.path("lastError").asText()).contains("injected: the function fails on this batch");
        assertThat(suspended.path("deliveredSequence").asLong()).isLessThan(stuckSequence);
        rows.forEach((shard, row) -> assertThat(row.path("state").asText())
                .as("shard " + shard)
                .isEqualTo(shard.equals(STUCK_SHARD) ? "suspended" : "running"));

        ShardsCommand.Result notSuspended = shards.run(kit.cluster.restAddress(), jobId, "resume", "2");
        assertThat(notSuspended.exitCode()).as(notSuspended.toString()).isZero();
        assertThat(notSuspended.stdout()).isEqualTo("shard 2 is running, not suspended: nothing changed\n");
    }

    @Test
    @Order(6)
    void onceTheFunctionIsFixedResumeThroughTheShardsCommandClearsTheSuspendedAndLagAlertsWithoutARestart() {
        kit.fc.faults().clear();
        ShardsCommand.Result resumed = shards.run(kit.cluster.restAddress(), jobId, "resume", STUCK_SHARD);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.stdout()).startsWith("resumed shard " + STUCK_SHARD);
        kit.figure(
                "shards resume",
                resumed.stdout().trim() + " (" + resumed.elapsed().toMillis() + " ms)");

        awaitAlert(SUSPENDED, "inactive");
        awaitAlert(LAG, "inactive");
        RestPoll.until(
                "shard " + STUCK_SHARD + " delivered past the failing batch",
                TIMEOUT,
                () -> Optional.of(byShard(prometheus.series(
                                "max by (shard) (flink_taskmanager_job_task_operator_shard_deliveredSequence)")))
                        .filter(s -> s.getOrDefault(STUCK_SHARD, -1.0) > stuckSequence));
        RestPoll.until(
                "every shard running again",
                TIMEOUT,
                () -> Optional.of(byShard(prometheus.series("max by (shard) (" + SHARD_STATE + ")")))
                        .filter(s -> s.size() == SHARDS && s.values().stream().allMatch(v -> v == 0)));
        assertThat(prometheus.alertState(RETRYING)).isEqualTo("inactive");
        assertThat(prometheus.series(expr(SUSPENDED))).isEmpty();
        assertThat(prometheus.series(expr(RETRYING))).isEmpty();
        assertThat(prometheus.series(expr(LAG))).isEmpty();
        assertThat(kit.cluster.jobStatus(jobId)).isEqualTo("RUNNING");
        assertThat(RestPoll.until("numRestarts reported", TIMEOUT, () -> kit.cluster.jobMetric(jobId, "numRestarts")))
                .as("resumed without a restart")
                .isZero();

        ShardsCommand.Result nothing = shards.run(kit.cluster.restAddress(), jobId, "resume", "--all");
        assertThat(nothing.exitCode()).as(nothing.toString()).isZero();
        assertThat(nothing.stdout()).isEqualTo("no shard is suspended: nothing changed\n");

        // README's picture of the lag query: the backlog's rise during the storm and its drain (-Dui.screenshot=true)
        String lagQuery =
                MonitoringAssets.substitute(panelQuery("Delivery lag and done-time age"), grafanaVariables(".*"));
        UiScreenshot.take(
                        prometheus.base(),
                        "graph?g0.expr=" + java.net.URLEncoder.encode(lagQuery, StandardCharsets.UTF_8)
                                + "&g0.tab=0&g0.range_input=1m",
                        kit.cluster.workDir().resolve("prometheus-lag.png"))
                .ifPresent(png -> kit.figure("Prometheus graph screenshot", png.toString()));
    }

    @Test
    @Order(7)
    void theShardsCommandAnswersAWrongJobIdAnUnreachableJobManagerAndWrongArgumentsWithOneLine() throws IOException {
        ShardsCommand.Result wrongJob =
                shards.run(kit.cluster.restAddress(), "0123456789abcdef0123456789abcdef", "list");
        assertThat(wrongJob.exitCode()).as(wrongJob.toString()).isEqualTo(1);
        assertThat(wrongJob.stderr().lines().toList())
                .singleElement()
                .asString()
                .startsWith("shards: no job 0123456789abcdef0123456789abcdef at the JobManager "
                        + kit.cluster.restAddress());
        assertThat(wrongJob.stdout()).isEmpty();

        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ShardsCommand.Result unreachable =
                shards.run(java.net.URI.create("http://127.0.0.1:" + closedPort), jobId, "list");
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(1);
        assertThat(unreachable.stderr().lines().toList())
                .singleElement()
                .asString()
                .startsWith("shards: cannot reach the JobManager at http://127.0.0.1:" + closedPort);

        ShardsCommand.Result wrongArguments = shards.runRaw(List.of("--job", "42", "list"));
        assertThat(wrongArguments.exitCode()).as(wrongArguments.toString()).isEqualTo(2);
        assertThat(wrongArguments.stderr()).contains("--jobmanager is missing").contains("--job '42' is not a job id");
    }

    // ---------------------------------------------------------------- the job gone

    @Test
    @Order(8)
    void aCancelledJobMakesTheJobNotRunningAlertGoPendingAndTheShardsCommandSaysSo() {
        assertThat(prometheus.alertState(NOT_RUNNING)).isEqualTo("inactive");
        kit.cluster.cancel(jobId, TIMEOUT);
        JsonNode alert = awaitAlert(NOT_RUNNING, "pending");
        kit.figure("job-not-running alert after cancel", alert.path("labels").toString());
        assertThat(prometheus.series(expr(NOT_RUNNING))).isNotEmpty();

        ShardsCommand.Result result = shards.run(kit.cluster.restAddress(), jobId, "list");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr().lines().toList())
                .singleElement()
                .asString()
                .startsWith("shards: job " + jobId + " (")
                .contains("is CANCELED, not RUNNING");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The {@code metrics.*} keys of the shipped {@code flink-conf/config.yaml}, read by Flink's own parser: the
     * cluster runs the reporter exactly as shipped (only the port, per process, is the harness's).
     */
    private static Map<String, String> shippedMetricsConfiguration() {
        Configuration shipped = GlobalConfiguration.loadConfiguration(
                RepoFiles.resolve("flink-conf").toString());
        Map<String, String> metrics = shipped.toMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("metrics."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertThat(metrics)
                .as("flink-conf/config.yaml enables the Prometheus reporter")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsKey(REPORTER_PORT);
        metrics.remove(REPORTER_PORT);
        return metrics;
    }

    private static Map<String, String> grafanaVariables(String jobNameRegex) {
        return Map.of("job_name", jobNameRegex, "__rate_interval", RATE_INTERVAL);
    }

    private static String expr(String alertName) {
        return ASSETS.alertRules().stream()
                .filter(r -> r.name().equals(alertName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert " + alertName + " in " + MonitoringAssets.ALERTS))
                .expr();
    }

    /** Waits until the rule is in {@code state}; returns its active alert (or the rule itself when inactive). */
    private static JsonNode awaitAlert(String alertName, String state) {
        return RestPoll.until(alertName + " " + state, TIMEOUT, () -> {
            JsonNode rule = prometheus.alertRule(alertName);
            if (!rule.path("health").asText().equals("ok")) {
                throw new AssertionError(alertName + " cannot be evaluated: "
                        + rule.path("lastError").asText());
            }
            if (!rule.path("state").asText().equals(state)) {
                return Optional.empty();
            }
            return Optional.of(
                    state.equals("inactive") ? rule : rule.path("alerts").get(0));
        });
    }

    /** {@code list --json}'s rows by shard id. */
    private static Map<String, JsonNode> rowsByShard(ShardsCommand.Result result) {
        Map<String, JsonNode> rows = new TreeMap<>();
        try {
            for (JsonNode row : new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.stdout())) {
                rows.put(row.path("shard").asText(), row);
            }
        } catch (IOException e) {
            throw new AssertionError("list --json printed no JSON array: " + result, e);
        }
        return rows;
    }

    /** The (single) query of the dashboard panel with this title. */
    private static String panelQuery(String title) {
        return ASSETS.dashboardQueries().stream()
                .filter(q -> q.panel().equals(title))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard panel '" + title + "'"))
                .expr();
    }

    private static Map<String, Double> byShard(List<JsonNode> series) {
        Map<String, Double> values = new TreeMap<>();
        for (JsonNode s : series) {
            values.put(
                    s.path("metric").path("shard").asText(),
                    s.path("value").get(1).asDouble());
        }
        return values;
    }

    private static long lastSequence(String shardId) {
        List<StoredRecord> records = kit.datahub.records(PROJECT, TOPIC, shardId);
        return records.isEmpty() ? -1 : records.get(records.size() - 1).sequence();
    }

    private static void assertPromtool(String... args) {
        FlinkJvmLauncher.CommandResult result = PrometheusServer.promtool(ASSETS.dir(), args);
        assertThat(result.exitCode())
                .as("promtool " + String.join(" ", args) + ":\n" + result.output())
                .isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
