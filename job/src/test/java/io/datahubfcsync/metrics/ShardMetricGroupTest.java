package io.datahubfcsync.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.GenericMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.junit.jupiter.api.Test;

/** A shard's metric group is removed from the reporters when closed, and a shard that comes back gets a new one. */
class ShardMetricGroupTest {
    private final List<String> registered = new ArrayList<>();
    private final List<String> unregistered = new ArrayList<>();
    private final GenericMetricGroup operator = new GenericMetricGroup(
            TestingMetricRegistry.builder()
                    .setRegisterConsumer((metric, name, group) -> registered.add(group.getMetricIdentifier(name)))
                    .setUnregisterConsumer((metric, name, group) -> unregistered.add(group.getMetricIdentifier(name)))
                    .build(),
            null,
            "operator");

    @Test
    void closingTheGroupUnregistersEveryMetricOfTheShardAndNoneOfAnother() {
        ShardMetricGroup shard0 = ShardMetricGroup.open(operator, "0");
        ShardMetricGroup shard1 = ShardMetricGroup.open(operator, "1");
        shard0.group().counter("a", new SimpleCounter());
        shard0.group().gauge("b", () -> 1L);
        shard1.group().counter("a", new SimpleCounter());

        shard0.close();

        assertThat(registered)
                .containsExactlyInAnyOrder("operator.shard.0.a", "operator.shard.0.b", "operator.shard.1.a");
        assertThat(unregistered).containsExactlyInAnyOrder("operator.shard.0.a", "operator.shard.0.b");
    }

    @Test
    void aShardAddedAgainAfterItsGroupClosedReportsAgain() {
        ShardMetricGroup first = ShardMetricGroup.open(operator, "0");
        first.group().counter("a", new SimpleCounter());
        first.close();

        ShardMetricGroup again = ShardMetricGroup.open(operator, "0");
        again.group().counter("a", new SimpleCounter());

        assertThat(registered).containsExactly("operator.shard.0.a", "operator.shard.0.a");
        assertThat(unregistered).containsExactly("operator.shard.0.a");
    }

    @Test
    void aGroupThatRegistersNothingAnywhereClosesWithoutError() {
        ShardMetricGroup shard = ShardMetricGroup.open(new UnregisteredMetricsGroup(), "0");
        shard.group().counter("a");
        shard.close();
        assertThat(registered).isEmpty();
    }
}
