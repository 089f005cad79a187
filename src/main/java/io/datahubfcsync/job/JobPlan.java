package io.datahubfcsync.job;

import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.delivery.DeliveryConfig;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.source.DataHubSourceConfig;

/**
 * The validated {@link JobConfig} translated into the settings of each part of the pipeline: the
 * source, the FC connection and the delivery operator. Holds no secret, only where to find one.
 */
public final class JobPlan {
    private final JobConfig config;
    private final DataHubConnection datahub;
    private final FcConnection fc;

    private JobPlan(JobConfig config) {
        this.config = config;
        this.datahub = new DataHubConnection(config.datahubEndpoint, config.datahubProtocol, config.credentialsSource());
        this.fc = FcConnection.builder()
                .endpoint(config.fcEndpoint)
                .accountId(config.fcAccountId)
                .region(config.region)
                .service(config.fcService)
                .function(config.fcFunction)
                .qualifier(config.fcQualifier)
                .readTimeout(config.fcReadTimeout)
                .credentials(config.credentialsSource())
                .build();
    }

    public static JobPlan of(JobConfig config) {
        return new JobPlan(config);
    }

    public JobConfig config() { return config; }
    public DataHubConnection datahub() { return datahub; }
    public FcConnection fc() { return fc; }

    public DataHubSourceConfig sourceConfig() {
        return DataHubSourceConfig.builder()
                .connection(datahub)
                .project(config.project)
                .topic(config.topic)
                .startPosition(config.start)
                .stopAtMs(config.stopMs)
                .shardDiscoveryInterval(config.shardDiscoveryInterval)
                .fetchMaxRecords(config.fetchMaxRecords)
                .onExpiredPosition(config.onExpiredPosition)
                .build();
    }

    public DeliveryConfig deliveryConfig() {
        DeliveryConfig.Builder b = DeliveryConfig.builder()
                .source(config.project, config.topic)
                .region(config.region)
                .function(config.fcService, config.fcFunction)
                .batchMaxRecords(config.batchMaxRecords)
                .batchMaxBytes(config.batchMaxBytes)
                .batchMaxWait(config.batchMaxWait)
                .retryInterval(config.retryInterval)
                .retryMaxAttempts(config.retryMaxAttempts)
                .blobEncoding(config.blobEncoding)
                .maxConcurrency(config.maxConcurrency)
                .maxBufferedRecords(config.maxBufferedRecords)
                .maxBufferedRecordsPerShard(config.maxBufferedRecordsPerShard)
                .maxBufferedBytesPerShard(config.maxBufferedBytesPerShard)
                .suspendProbeInterval(config.suspendProbeInterval)
                .credentials(config.credentialsSource().describe(), config.credentialsFailureGrace);
        switch (config.onExhausted) {
            case DEAD_LETTER -> b.deadLetter(config.deadLetterTopic, datahub);
            case FAIL -> b.failOnExhausted();
            case SUSPEND -> b.suspendOnExhausted();
        }
        return b.build();
    }

    /** "datahub-fc-sync p/t -> svc/fn", the job's name in the Flink UI. */
    public String jobName() {
        return "datahub-fc-sync " + config.project + "/" + config.topic + " -> " + config.fcService + "/" + config.fcFunction
                + (config.fcQualifier != null ? "." + config.fcQualifier : "");
    }
}
