package io.datahubfcsync.job;

import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.delivery.DeliveryConfig;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.progress.DataHubSubscriptionMirror;
import io.datahubfcsync.progress.SubscriptionMirror;
import io.datahubfcsync.source.config.DataHubSourceConfig;

/**
 * The validated {@link JobConfig} translated into the settings of each part of the pipeline: the
 * source, the FC connection and the delivery operator. Holds no secret, only where to find one.
 */
public final class JobPlan {
    private final JobConfig config;
    private final DataHubConnection datahub;
    private final FcConnection fc;
    /** The DataHub subscription delivered positions are mirrored to, resolved at submission; null for none. */
    private final String subscriptionId;

    private JobPlan(JobConfig config) {
        this(config, null);
    }

    private JobPlan(JobConfig config, String subscriptionId) {
        this.config = config;
        this.subscriptionId = subscriptionId;
        this.datahub =
                new DataHubConnection(config.datahubEndpoint(), config.datahubProtocol(), config.credentialsSource());
        this.fc = FcConnection.builder()
                .apiVersion(config.fcApiVersion())
                .endpoint(config.fcEndpoint())
                .accountId(config.fcAccountId())
                .region(config.region())
                .service(config.fcService())
                .function(config.fcFunction())
                .qualifier(config.fcQualifier())
                .readTimeout(config.fcReadTimeout())
                .credentials(config.credentialsSource())
                .build();
    }

    public static JobPlan of(JobConfig config) {
        return new JobPlan(config);
    }

    /** This plan mirroring positions to the given subscription id (resolved from {@code datahub.subscription}). */
    public JobPlan withSubscriptionId(String subId) {
        return new JobPlan(config, subId);
    }

    /** The subscription id positions are mirrored to, or null. */
    public String subscriptionId() {
        return subscriptionId;
    }

    /** Mirrors for the delivery operator's subtasks, or null when no subscription is configured. */
    public SubscriptionMirror.Factory subscriptionMirror() {
        return subscriptionId == null
                ? null
                : DataHubSubscriptionMirror.factory(datahub, config.project(), config.topic(), subscriptionId);
    }

    public JobConfig config() {
        return config;
    }

    public DataHubConnection datahub() {
        return datahub;
    }

    public FcConnection fc() {
        return fc;
    }

    public DataHubSourceConfig sourceConfig() {
        return DataHubSourceConfig.builder()
                .connection(datahub)
                .project(config.project())
                .topic(config.topic())
                .startPosition(config.start())
                .stopAtMs(config.stopMs())
                .shardDiscoveryInterval(config.shardDiscoveryInterval())
                .fetchMaxRecords(config.fetchMaxRecords())
                .fetchConcurrency(config.fetchConcurrency())
                .onExpiredPosition(config.onExpiredPosition())
                .credentialsFailureGrace(config.credentialsFailureGrace())
                .build();
    }

    public DeliveryConfig deliveryConfig() {
        DeliveryConfig.Builder b = DeliveryConfig.builder()
                .source(config.project(), config.topic())
                .region(config.region())
                .function(config.fcService(), config.fcFunction())
                .batchMaxRecords(config.batchMaxRecords())
                .batchMaxBytes(config.batchMaxBytes())
                .batchMaxWait(config.batchMaxWait())
                .retryInterval(config.retryInterval())
                .retryMaxAttempts(config.retryMaxAttempts())
                .blobEncoding(config.blobEncoding())
                .maxConcurrency(config.maxConcurrency())
                .maxRecordsPerSecond(config.maxRecordsPerSecond())
                .maxBufferedRecords(config.maxBufferedRecords())
                .maxBufferedRecordsPerShard(config.maxBufferedRecordsPerShard())
                .maxBufferedBytesPerShard(config.maxBufferedBytesPerShard())
                .suspendProbeInterval(config.suspendProbeInterval())
                .mirrorProgressTo(subscriptionMirror())
                .credentials(config.credentialsSource().describe(), config.credentialsFailureGrace());
        switch (config.onExhausted()) {
            case DEAD_LETTER -> b.deadLetter(config.deadLetterTopic(), datahub);
            case FAIL -> b.failOnExhausted();
            case SUSPEND -> b.suspendOnExhausted();
        }
        return b.build();
    }

    /** "datahub-fc-sync p/t -> svc/fn" (FC 2.0) or "... -> fn" (FC 3.0), the job's name in the Flink UI. */
    public String jobName() {
        return "datahub-fc-sync " + config.project() + "/" + config.topic() + " -> " + fc.functionPath();
    }
}
