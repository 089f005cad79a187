package io.datahubfcsync.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.metrics.MetricNames.Enumerator;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import io.datahubfcsync.metrics.MetricNames.SourceShard;
import io.datahubfcsync.metrics.MetricNames.Subscription;
import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric the job registers has one name, and README tells users where to find it and what it measures. */
class MetricNamesTest {
    /** A row of README's metrics table: the metric cell, where (source or FC), the meaning. */
    private record Row(String metric, String where, String meaning) {}

    @Test
    void noTwoMetricsOrGroupsOfOneGroupShareAName() {
        List<String> readerGroup = new ArrayList<>(DeclaredMetricNames.list(SourceReader.class));
        readerGroup.add(MetricNames.SHARD_GROUP);
        List<String> operatorGroup = new ArrayList<>(DeclaredMetricNames.list(Delivery.class));
        operatorGroup.addAll(DeclaredMetricNames.list(Subscription.class));
        operatorGroup.add(MetricNames.SHARD_GROUP);
        operatorGroup.add(MetricNames.CATCH_UP_GROUP);
        for (List<String> group : List.of(
                readerGroup,
                operatorGroup,
                DeclaredMetricNames.list(SourceShard.class),
                DeclaredMetricNames.list(DeliveryShard.class),
                DeclaredMetricNames.list(Enumerator.class))) {
            assertThat(group)
                    .doesNotHaveDuplicates()
                    .allSatisfy(n -> assertThat(n).matches("[a-z][A-Za-z]*"));
        }
    }

    @Test
    void aPerShardMetricIsNamedAsTheRestApiListsIt() {
        assertThat(MetricNames.ofShard("7", DeliveryShard.STATE)).isEqualTo("shard.7.state");
    }

    @Test
    void everySourceAndDeliveryMetricHasARowInTheReadmeMetricsTableSayingWhereItIs() throws IOException {
        List<Row> rows = table(readme(), "| metric | where | meaning |");
        for (String name : DeclaredMetricNames.of(SourceReader.class)) {
            assertThat(rows)
                    .as("operator-wide source metric " + name)
                    .anyMatch(r -> r.where().equals("source") && r.metric().contains("`" + name + "`"));
        }
        for (String name : DeclaredMetricNames.of(SourceShard.class)) {
            assertThat(rows)
                    .as("per-shard source metric " + name)
                    .anyMatch(r -> r.where().equals("source") && perShardRowNames(r, name));
        }
        for (String name : DeclaredMetricNames.of(Delivery.class)) {
            assertThat(rows)
                    .as("operator-wide delivery metric " + name)
                    .anyMatch(r -> r.where().equals("FC") && r.metric().contains("`" + name + "`"));
        }
        for (String name : DeclaredMetricNames.of(DeliveryShard.class)) {
            assertThat(rows)
                    .as("per-shard delivery metric " + name)
                    .anyMatch(r -> r.where().equals("FC") && perShardRowNames(r, name));
        }
        assertThat(rows)
                .as("the catch-up group")
                .anyMatch(r -> r.where().equals("FC") && r.metric().startsWith("`" + MetricNames.CATCH_UP_GROUP + "."));
        assertThat(rows).allSatisfy(r -> assertThat(r.meaning()).as(r.metric()).isNotBlank());
    }

    @Test
    void everySubscriptionMetricIsInTheReadmeSubscriptionTable() throws IOException {
        List<Row> rows = table(readme(), "| what happens | what the job does | metric (delivery operator) |");
        for (String name : DeclaredMetricNames.of(Subscription.class)) {
            assertThat(rows)
                    .as("subscription metric " + name)
                    .anyMatch(r -> r.meaning().contains("`" + name + "`"));
        }
    }

    @Test
    void everyEnumeratorMetricIsNamedInTheReadme() throws IOException {
        String readme = readme();
        for (String name : DeclaredMetricNames.of(Enumerator.class)) {
            assertThat(readme).as("enumerator metric " + name).contains("`" + name + "`");
        }
    }

    /** {@code `shard.<id>.name`}, or a per-shard row naming it after the first: {@code `shard.<id>.a` / `name`}. */
    private static boolean perShardRowNames(Row r, String name) {
        String prefix = "`" + MetricNames.SHARD_GROUP + ".<id>.";
        return r.metric().contains(prefix + name + "`")
                || (r.metric().startsWith(prefix) && r.metric().contains("`" + name + "`"));
    }

    private static String readme() throws IOException {
        return Files.readString(RepoFiles.resolve("README.md"));
    }

    /** The three-column table under {@code header}: its rows up to the first line that is not one. */
    private static List<Row> table(String readme, String header) {
        List<String> lines = readme.lines().toList();
        int at = lines.indexOf(header);
        assertThat(at).as("README has a table headed " + header).isNotNegative();
        List<Row> rows = new ArrayList<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ", -1);
            assertThat(cells).as(line).hasSize(3);
            rows.add(new Row(cells[0].trim(), cells[1].trim(), cells[2].trim()));
        }
        assertThat(rows).as("rows of " + header).isNotEmpty();
        return rows;
    }
}
