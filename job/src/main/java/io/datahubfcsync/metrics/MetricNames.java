package io.datahubfcsync.metrics;

/**
 * The name of every metric and metric group the job registers, in one place. Users see these
 * names in the Flink web UI and REST API ({@code <operator>.<metric>}, per shard
 * {@code <operator>.shard.<id>.<metric>}) and in Prometheus
 * ({@code flink_taskmanager_job_task_operator_<metric>}, per shard
 * {@code flink_taskmanager_job_task_operator_shard_<metric>} with the label {@code shard}); the
 * shipped Grafana dashboard and alert rules query them. So a name here never changes: a renamed
 * constant is fine, a changed value breaks every dashboard that reads it.
 *
 * <p>Grouped by where the metric lives; each constant says what it measures.
 */
public final class MetricNames {
    private MetricNames() {}

    /**
     * Key of the key/value group (value = shard id) that holds one shard's metrics, under the
     * source reader ({@link SourceShard}) and under the delivery operator ({@link DeliveryShard}).
     * The group is closed when the shard is done with, so its metrics leave the reporters.
     */
    public static final String SHARD_GROUP = "shard";

    /**
     * Group under the delivery operator holding the {@link SourceReader} DataHub counters of its
     * catch-up reads (records a shard let go over its budget and reads back).
     */
    public static final String CATCH_UP_GROUP = "catchUp";

    /**
     * A per-shard metric's name relative to its operator, as the REST API and the web UI list it:
     * {@code shard.<id>.<metric>}.
     */
    public static String ofShard(String shardId, String metric) {
        return SHARD_GROUP + "." + shardId + "." + metric;
    }

    /** Metrics of one source reader subtask (operator {@code DataHub source <project>/<topic>}). */
    public static final class SourceReader {
        private SourceReader() {}

        /** Gauge: shards (splits) the subtask is reading now. */
        public static final String OPEN_SHARDS = "openShards";
        /** Counter: DataHub calls that failed transiently (throttling, 5xx, network) and were retried. */
        public static final String DATAHUB_RETRIES = "dataHubRetries";
        /** Counter: of the retried calls, those DataHub throttled (LimitExceeded). */
        public static final String DATAHUB_THROTTLED = "dataHubThrottled";
        /** Counter: expired positions continued from the oldest retained record ({@code datahub.on-expired-position=oldest}). */
        public static final String EXPIRED_POSITION_RESETS = "expiredPositionResets";
        /** Counter: records skipped because they expired before the job read them ({@code datahub.on-expired-position=oldest}). */
        public static final String EXPIRED_RECORDS_SKIPPED = "expiredRecordsSkipped";
        /** Counter: DataHub calls refused for the credentials, retried within {@code credentials.failure-grace}. */
        public static final String CREDENTIAL_FAILURES = "credentialFailures";
        /**
         * Gauge (FLIP-33, Flink's standard name, registered through {@code setPendingRecordsGauge}):
         * records DataHub holds after the last one read, summed over the subtask's shards.
         */
        public static final String PENDING_RECORDS = org.apache.flink.runtime.metrics.MetricNames.PENDING_RECORDS;
        /**
         * Gauge (FLIP-33, Flink's standard name): how old, by DataHub system time, the last record
         * read was when it was read, in ms.
         */
        public static final String CURRENT_FETCH_EVENT_TIME_LAG =
                org.apache.flink.runtime.metrics.MetricNames.CURRENT_FETCH_EVENT_TIME_LAG;
    }

    /** Metrics of one shard in the source reader, under {@link #SHARD_GROUP}. */
    public static final class SourceShard {
        private SourceShard() {}

        /** Gauge: sequence of the last record emitted from the shard; -1 before the first. */
        public static final String READ_SEQUENCE = "readSequence";
        /** Gauge: the shard's newest record time minus the last emitted record's time, in ms; -1 until known. */
        public static final String MILLIS_BEHIND_LATEST = "millisBehindLatest";
    }

    /** Metrics of the source's split enumerator, on the JobManager (the operator's coordinator). */
    public static final class Enumerator {
        private Enumerator() {}

        /** Gauge: shards listed but not assigned to a reader yet (a child waits for its parents). */
        public static final String PENDING_SHARDS = "pendingShards";
        /** Gauge: shards assigned to a reader and not finished. */
        public static final String ASSIGNED_SHARDS = "assignedShards";
        /** Counter: pending shards DataHub deleted with their data before they were read ({@code datahub.on-expired-position=oldest}). */
        public static final String VANISHED_SHARDS_SKIPPED = "vanishedShardsSkipped";
    }

    /** Metrics of one delivery operator subtask (operator {@code FC <service>/<function>}), over its shards. */
    public static final class Delivery {
        private Delivery() {}

        /** Gauge: the largest delivery lag of the subtask's shards (newest record DataHub holds minus oldest undelivered), in ms. */
        public static final String MAX_MILLIS_BEHIND_LATEST = "maxMillisBehindLatest";
        /** Gauge: epoch ms before which every shard of the subtask was delivered (DataHub's "done time"). */
        public static final String SYNCED_UP_TO = "syncedUpTo";
        /**
         * Gauge, only with {@code delivery.max-records-per-second}: the rate the subtask paces to now,
         * its share of the setting (less while FC throttles).
         */
        public static final String PACED_RECORDS_PER_SECOND = "pacedRecordsPerSecond";
        /**
         * Gauge, only with {@code delivery.max-records-per-second}: the subtask's shards that have
         * records to send, as last reported to the coordinator that divides the rate by them.
         */
        public static final String PACED_SHARDS = "pacedShards";
    }

    /**
     * Metrics of one delivery operator subtask with {@code datahub.subscription}: its commits of the
     * delivered positions to the DataHub subscription after each completed checkpoint.
     */
    public static final class Subscription {
        private Subscription() {}

        /** Gauge: commits of delivered positions the subscription accepted. */
        public static final String COMMITS = "subscriptionCommits";
        /** Gauge: commits that failed (retried at the next checkpoint). */
        public static final String COMMIT_FAILURES = "subscriptionCommitFailures";
        /** Gauge: commits skipped because the subscription was OFFLINE. */
        public static final String OFFLINE = "subscriptionOffline";
        /** Gauge: offsets someone else reset, overwritten with the real position. */
        public static final String OFFSET_RESETS = "subscriptionOffsetResets";
    }

    /** Metrics of one shard in the delivery operator, under {@link #SHARD_GROUP}. */
    public static final class DeliveryShard {
        private DeliveryShard() {}

        /** Gauge: sequence of the last record delivered (FC accepted it, or the dead-letter topic took it); -1 before. */
        public static final String DELIVERED_SEQUENCE = "deliveredSequence";
        /** Gauge: records the operator holds for the shard, the batch in flight included. */
        public static final String PENDING_RECORDS = "pendingRecords";
        /** Gauge: failed attempts of the current batch. */
        public static final String CONSECUTIVE_FAILURES = "consecutiveFailures";
        /**
         * Gauge: {@link ShardDeliveryMetrics#STATE_RUNNING}, {@link ShardDeliveryMetrics#STATE_RETRYING},
         * {@link ShardDeliveryMetrics#STATE_EXHAUSTED} or {@link ShardDeliveryMetrics#STATE_SUSPENDED}.
         */
        public static final String STATE = "state";
        /** Gauge: the pause before the next attempt, in ms (longer when FC throttles); 0 when not retrying. */
        public static final String RETRY_DELAY_MS = "retryDelayMs";
        /** Counter: invocations FC answered (successfully or not). */
        public static final String INVOCATIONS = "invocations";
        /** Counter: invocations that failed (each one attempt of a batch). */
        public static final String FAILED_ATTEMPTS = "failedAttempts";
        /** Counter: records written to the dead-letter topic ({@code on-exhausted=dead-letter}). */
        public static final String DEAD_LETTERED_RECORDS = "deadLetteredRecords";
        /** Counter: records the shard did not keep (over its budget while it could not move), read back later. */
        public static final String RECORDS_LET_GO = "recordsLetGo";
        /** Counter: records read back from DataHub after they were let go. */
        public static final String RECORDS_RE_READ = "recordsReRead";
        /** Counter: calls FC refused for the credentials (not failed attempts of the batch). */
        public static final String CREDENTIAL_FAILURES = "credentialFailures";
        /** Histogram: invocation latency in ms, over the last invocations. */
        public static final String INVOKE_LATENCY_MS = "invokeLatencyMs";
    }
}
