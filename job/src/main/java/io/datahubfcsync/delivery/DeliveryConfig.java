package io.datahubfcsync.delivery;

import io.datahubfcsync.credentials.CredentialsOptions;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.progress.SubscriptionMirror;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the delivery operator needs, travelling in the job graph: no secrets (the dead-letter
 * {@link DataHubConnection} only says where credentials are). Built with {@link #builder()}, whose
 * defaults are those of the job parameters ({@link DeliveryOptions}); the values are checked where
 * they are typed, against the same definitions, so the builder only checks that the parts are there.
 */
public final class DeliveryConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String project;
    private final String topic;
    private final String region;
    private final String fcService;
    private final String fcFunction;
    private final int batchMaxRecords;
    private final long batchMaxBytes;
    private final Duration batchMaxWait;
    private final Duration retryInterval;
    private final int retryMaxAttempts;
    private final Duration maxThrottleBackoff;
    private final OnExhausted onExhausted;
    private final String deadLetterTopic;
    private final DataHubConnection deadLetterConnection;
    private final BlobEncoding blobEncoding;
    private final int maxConcurrency;
    private final long maxRecordsPerSecond;
    private final int maxBufferedRecords;
    private final int maxBufferedRecordsPerShard;
    private final long maxBufferedBytesPerShard;
    private final Duration suspendProbeInterval;
    private final SubscriptionMirror.Factory progressMirror;
    private final String credentialSource;
    private final Duration credentialsFailureGrace;

    private DeliveryConfig(Builder b) {
        project = b.project;
        topic = b.topic;
        region = b.region;
        fcService = b.fcService;
        fcFunction = b.fcFunction;
        batchMaxRecords = b.batchMaxRecords;
        batchMaxBytes = b.batchMaxBytes;
        batchMaxWait = b.batchMaxWait;
        retryInterval = b.retryInterval;
        retryMaxAttempts = b.retryMaxAttempts;
        maxThrottleBackoff = b.maxThrottleBackoff;
        onExhausted = b.onExhausted;
        deadLetterTopic = b.deadLetterTopic;
        deadLetterConnection = b.deadLetterConnection;
        blobEncoding = b.blobEncoding;
        maxConcurrency = b.maxConcurrency;
        maxRecordsPerSecond = b.maxRecordsPerSecond;
        maxBufferedRecords = b.maxBufferedRecords;
        maxBufferedRecordsPerShard = b.maxBufferedRecordsPerShard;
        maxBufferedBytesPerShard = b.maxBufferedBytesPerShard;
        suspendProbeInterval = b.suspendProbeInterval;
        progressMirror = b.progressMirror;
        credentialSource = b.credentialSource;
        credentialsFailureGrace = b.credentialsFailureGrace;
    }

    /** Where delivered positions are mirrored for watching in DataHub's console, or null. */
    public SubscriptionMirror.Factory progressMirror() {
        return progressMirror;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String project() {
        return project;
    }

    public String topic() {
        return topic;
    }

    public String region() {
        return region;
    }

    public String fcService() {
        return fcService;
    }

    public String fcFunction() {
        return fcFunction;
    }

    public int batchMaxRecords() {
        return batchMaxRecords;
    }

    public long batchMaxBytes() {
        return batchMaxBytes;
    }

    public Duration batchMaxWait() {
        return batchMaxWait;
    }

    public Duration retryInterval() {
        return retryInterval;
    }

    public int retryMaxAttempts() {
        return retryMaxAttempts;
    }
    /** Longest pause after repeated throttling (429) or FC platform errors (5xx). */
    public Duration maxThrottleBackoff() {
        return maxThrottleBackoff;
    }

    public OnExhausted onExhausted() {
        return onExhausted;
    }
    /** The dead-letter BLOB topic (same project), or null unless {@code on-exhausted=dead-letter}. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public DataHubConnection deadLetterConnection() {
        return deadLetterConnection;
    }

    public BlobEncoding blobEncoding() {
        return blobEncoding;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }
    /** {@code delivery.max-records-per-second} over the whole job; 0: unlimited. */
    public long maxRecordsPerSecond() {
        return maxRecordsPerSecond;
    }

    public int maxBufferedRecords() {
        return maxBufferedRecords;
    }
    /** Records one shard may hold; 0: a fair share of {@link #maxBufferedRecords()} over the subtask's shards. */
    public int maxBufferedRecordsPerShard() {
        return maxBufferedRecordsPerShard;
    }
    /** Payload bytes one shard may hold (at least {@link #batchMaxBytes()}). */
    public long maxBufferedBytesPerShard() {
        return maxBufferedBytesPerShard > 0
                ? maxBufferedBytesPerShard
                : DeliveryOptions.defaultBufferedBytesPerShard(batchMaxBytes);
    }
    /** Where the FC credentials come from, for messages (never a secret). */
    public String credentialSource() {
        return credentialSource;
    }
    /** How long FC may keep refusing the credentials before the job fails. */
    public Duration credentialsFailureGrace() {
        return credentialsFailureGrace;
    }
    /** How often a suspended shard's batch is tried once; zero: never. */
    public Duration suspendProbeInterval() {
        return suspendProbeInterval;
    }

    /** The operator's name in the Flink UI: {@code FC <service>/<function>}, or {@code FC <function>} for FC 3.0. */
    public String operatorName() {
        return "FC " + (fcService != null ? fcService + '/' : "") + fcFunction;
    }

    @Override
    public String toString() {
        return "DeliveryConfig{" + operatorName() + ", source /projects/" + project + "/topics/" + topic
                + ", region=" + region + ", batch.max-records=" + batchMaxRecords + ", batch.max-bytes=" + batchMaxBytes
                + ", batch.max-wait=" + batchMaxWait.toMillis() + "ms, retry.interval=" + retryInterval.toMillis()
                + "ms, retry.max-attempts=" + retryMaxAttempts + ", on-exhausted=" + onExhausted.key()
                + (deadLetterTopic != null ? ", dead-letter.topic=" + deadLetterTopic : "")
                + ", event.blob-encoding=" + blobEncoding.key() + ", delivery.max-concurrency=" + maxConcurrency
                + ", delivery.max-buffered-records=" + maxBufferedRecords
                + ", delivery.max-records-per-second="
                + (maxRecordsPerSecond > 0 ? Long.toString(maxRecordsPerSecond) : "unlimited")
                + ", delivery.max-buffered-records-per-shard="
                + (maxBufferedRecordsPerShard > 0 ? Integer.toString(maxBufferedRecordsPerShard) : "fair share")
                + ", delivery.max-buffered-bytes-per-shard=" + maxBufferedBytesPerShard()
                + (onExhausted == OnExhausted.SUSPEND
                        ? ", suspend.probe-interval=" + suspendProbeInterval.toMillis() + "ms"
                        : "")
                + '}';
    }

    /** Builder with the job parameters' defaults. */
    public static final class Builder {
        private String project;
        private String topic;
        private String region;
        private String fcService;
        private String fcFunction;
        private int batchMaxRecords = DeliveryOptions.BATCH_MAX_RECORDS.defaultValue();
        private long batchMaxBytes = DeliveryOptions.BATCH_MAX_BYTES.defaultValue();
        private Duration batchMaxWait = DeliveryOptions.BATCH_MAX_WAIT.defaultValue();
        private Duration retryInterval = DeliveryOptions.RETRY_INTERVAL.defaultValue();
        private int retryMaxAttempts = DeliveryOptions.RETRY_MAX_ATTEMPTS.defaultValue();
        private Duration maxThrottleBackoff = Duration.ofSeconds(30);
        private OnExhausted onExhausted = DeliveryOptions.ON_EXHAUSTED.defaultValue();
        private String deadLetterTopic;
        private DataHubConnection deadLetterConnection;
        private BlobEncoding blobEncoding = DeliveryOptions.EVENT_BLOB_ENCODING.defaultValue();
        private int maxConcurrency = DeliveryOptions.DELIVERY_MAX_CONCURRENCY.defaultValue();
        private long maxRecordsPerSecond; // 0: unlimited
        private int maxBufferedRecords = DeliveryOptions.DELIVERY_MAX_BUFFERED_RECORDS.defaultValue();
        private int maxBufferedRecordsPerShard; // 0: a fair share
        private long maxBufferedBytesPerShard; // 0: twice batch.max-bytes
        private Duration suspendProbeInterval = DeliveryOptions.SUSPEND_PROBE_INTERVAL.defaultValue();
        private String credentialSource = "the configured credentials";
        private Duration credentialsFailureGrace = CredentialsOptions.CREDENTIALS_FAILURE_GRACE.defaultValue();

        private SubscriptionMirror.Factory progressMirror;

        private Builder() {}

        /** The source DataHub project and topic: they name the event's {@code eventSourceARN}. */
        public Builder source(String project, String topic) {
            this.project = project;
            this.topic = topic;
            return this;
        }

        /** The event's {@code region}, e.g. {@code cn-hangzhou}. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * FC service (null for FC 3.0, which has none) and function: only for the operator name and
         * messages; the invoker does the calling.
         */
        public Builder function(String service, String function) {
            this.fcService = service;
            this.fcFunction = function;
            return this;
        }

        public Builder batchMaxRecords(int n) {
            this.batchMaxRecords = n;
            return this;
        }

        public Builder batchMaxBytes(long n) {
            this.batchMaxBytes = n;
            return this;
        }

        public Builder batchMaxWait(Duration d) {
            this.batchMaxWait = d;
            return this;
        }

        public Builder retryInterval(Duration d) {
            this.retryInterval = d;
            return this;
        }

        public Builder retryMaxAttempts(int n) {
            this.retryMaxAttempts = n;
            return this;
        }

        public Builder maxThrottleBackoff(Duration d) {
            this.maxThrottleBackoff = d;
            return this;
        }

        /** {@code on-exhausted=fail}. */
        public Builder failOnExhausted() {
            this.onExhausted = OnExhausted.FAIL;
            this.deadLetterTopic = null;
            this.deadLetterConnection = null;
            return this;
        }

        /** {@code on-exhausted=suspend} (the default). */
        public Builder suspendOnExhausted() {
            this.onExhausted = OnExhausted.SUSPEND;
            this.deadLetterTopic = null;
            this.deadLetterConnection = null;
            return this;
        }

        /** {@code suspend.probe-interval}; zero: never probe. */
        public Builder suspendProbeInterval(Duration d) {
            this.suspendProbeInterval = d;
            return this;
        }

        /**
         * @param source where the credentials come from, as a message names it (never a secret)
         * @param failureGrace {@code credentials.failure-grace}
         */
        public Builder credentials(String source, Duration failureGrace) {
            this.credentialSource = source;
            this.credentialsFailureGrace = failureGrace;
            return this;
        }

        /** {@code delivery.max-buffered-records-per-shard}; 0: a fair share. */
        public Builder maxBufferedRecordsPerShard(int n) {
            this.maxBufferedRecordsPerShard = n;
            return this;
        }

        /** {@code delivery.max-buffered-bytes-per-shard}; 0: twice {@code batch.max-bytes}. */
        public Builder maxBufferedBytesPerShard(long n) {
            this.maxBufferedBytesPerShard = n;
            return this;
        }

        /** Mirror delivered positions into a DataHub subscription after each completed checkpoint (null: don't). */
        public Builder mirrorProgressTo(SubscriptionMirror.Factory mirror) {
            this.progressMirror = mirror;
            return this;
        }

        /** {@code on-exhausted=dead-letter} with {@code dead-letter.topic} (a BLOB topic in the source project). */
        public Builder deadLetter(String topic, DataHubConnection connection) {
            this.onExhausted = OnExhausted.DEAD_LETTER;
            this.deadLetterTopic = topic;
            this.deadLetterConnection = connection;
            return this;
        }

        public Builder blobEncoding(BlobEncoding e) {
            this.blobEncoding = e;
            return this;
        }

        public Builder maxConcurrency(int n) {
            this.maxConcurrency = n;
            return this;
        }

        /** {@code delivery.max-records-per-second} over the whole job; 0: unlimited. */
        public Builder maxRecordsPerSecond(long n) {
            this.maxRecordsPerSecond = n;
            return this;
        }

        public Builder maxBufferedRecords(int n) {
            this.maxBufferedRecords = n;
            return this;
        }

        /**
         * @throws IllegalArgumentException listing every part that is missing, each with the job
         *     parameter that gives it
         */
        public DeliveryConfig build() {
            List<String> problems = new ArrayList<>();
            require(problems, project, "datahub.project");
            require(problems, topic, "datahub.topic");
            require(problems, region, "region");
            require(problems, fcFunction, "fc.function");
            if (onExhausted == OnExhausted.DEAD_LETTER) {
                require(
                        problems,
                        deadLetterTopic,
                        DeliveryOptions.DEAD_LETTER_TOPIC.key() + " (required with on-exhausted=dead-letter)");
                if (deadLetterConnection == null)
                    problems.add("a DataHub connection for dead-letter.topic is required");
            }
            Objects.requireNonNull(batchMaxWait, "batchMaxWait");
            Objects.requireNonNull(retryInterval, "retryInterval");
            Objects.requireNonNull(maxThrottleBackoff, "maxThrottleBackoff");
            Objects.requireNonNull(onExhausted, "onExhausted");
            Objects.requireNonNull(blobEncoding, "blobEncoding");
            Objects.requireNonNull(suspendProbeInterval, "suspendProbeInterval");
            Objects.requireNonNull(credentialsFailureGrace, "credentialsFailureGrace");
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid delivery configuration: " + String.join("; ", problems));
            }
            return new DeliveryConfig(this);
        }

        private static void require(List<String> problems, String value, String key) {
            if (value == null || value.isBlank()) problems.add(key + " is required");
        }
    }
}
