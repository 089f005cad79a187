package io.datahubfcsync.testing;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster the job's *ITCase classes run on: one TaskManager with the slots a test needs. */
public final class MiniClusters {
    private MiniClusters() {}

    public static MiniClusterExtension withSlots(int slots) {
        return withSlots(slots, new Configuration());
    }

    public static MiniClusterExtension withSlots(int slots, Configuration configuration) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /**
     * Refreshes the REST metric store every {@code interval}; by default it does every 10 s, longer
     * than a test should wait for a metric.
     */
    public static Configuration metricsFetchedEvery(Duration interval) {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, interval);
        return conf;
    }
}
