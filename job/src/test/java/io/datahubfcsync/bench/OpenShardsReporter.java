package io.datahubfcsync.bench;

import io.datahubfcsync.metrics.MetricNames.SourceReader;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter of the benchmark's own MiniCluster (same JVM) that keeps only the source
 * subtasks' {@code openShards} gauges, so B4 reads how shards are spread without the REST metric
 * store, whose copy of every per-shard metric would count as heap the job holds. Static because a
 * reporter is built by Flink from its class name; it lives only in the benchmark's JVM.
 */
public final class OpenShardsReporter implements MetricReporter {
    private static final List<Gauge<?>> GAUGES = new CopyOnWriteArrayList<>();

    /** The largest openShards over the source subtasks now running; 0 before any reported. */
    static int maxOpenShards() {
        int max = 0;
        for (Gauge<?> g : GAUGES) {
            Object v = g.getValue();
            if (v instanceof Number n) max = Math.max(max, n.intValue());
        }
        return max;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {
        GAUGES.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals(SourceReader.OPEN_SHARDS) && metric instanceof Gauge<?> g) GAUGES.add(g);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> g) GAUGES.remove(g);
    }

    /** What {@code metrics.reporter.<name>.factory.class} names. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new OpenShardsReporter();
        }
    }
}
