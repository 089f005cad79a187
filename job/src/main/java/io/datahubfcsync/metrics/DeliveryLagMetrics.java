package io.datahubfcsync.metrics;

import java.util.function.LongSupplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The delivery operator's lag gauges {@code maxMillisBehindLatest} and {@code syncedUpTo} (per subtask;
 * aggregate with max / min across subtasks).
 */
public final class DeliveryLagMetrics {
    private DeliveryLagMetrics() {}

    /**
     * @param maxMillisBehindLatest largest gap, over this subtask's shards, between the newest record
     *     DataHub holds for a shard and the oldest record not yet delivered (0 when all caught up)
     * @param syncedUpTo epoch ms before which every shard of this subtask was delivered (DataHub's
     *     "done time"); -1 while no shard is known
     */
    public static void register(
            MetricGroup operatorGroup, LongSupplier maxMillisBehindLatest, LongSupplier syncedUpTo) {
        operatorGroup.gauge(
                MetricNames.Delivery.MAX_MILLIS_BEHIND_LATEST, (Gauge<Long>) maxMillisBehindLatest::getAsLong);
        operatorGroup.gauge(MetricNames.Delivery.SYNCED_UP_TO, (Gauge<Long>) syncedUpTo::getAsLong);
    }
}
