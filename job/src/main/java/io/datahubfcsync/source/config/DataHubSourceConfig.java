package io.datahubfcsync.source.config;

import io.datahubfcsync.credentials.CredentialsOptions;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubClientFactory;
import io.datahubfcsync.datahub.DataHubConnection;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Everything the DataHub source ({@code DataHubSource}) needs. Serializable and secret-free:
 * credentials stay with the {@link DataHubConnection}'s credentials source and are resolved on each
 * TaskManager.
 */
public final class DataHubSourceConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataHubClientFactory clientFactory;
    private final String project;
    private final String topic;
    private final StartPosition startPosition;
    private final Long stopAtMs;
    private final long shardDiscoveryIntervalMs;
    private final int fetchMaxRecords;
    private final int fetchConcurrency;
    private final OnExpiredPosition onExpiredPosition;
    private final long idleBackoffMaxMs;
    private final long retryBackoffMaxMs;
    private final long shardNotFoundTimeoutMs;
    private final ResolvedStart resolvedStart;
    private final long credentialsFailureGraceMs;
    private final CredentialsSource credentials; // null when built from a client factory alone

    private DataHubSourceConfig(Builder b) {
        this.project = require(b.project, "datahub.project");
        this.topic = require(b.topic, "datahub.topic");
        if (b.clientFactory != null) {
            this.clientFactory = b.clientFactory;
        } else if (b.connection != null) {
            this.clientFactory = b.connection.clientFactory(project, topic);
        } else {
            throw new IllegalArgumentException("A DataHub connection (datahub.endpoint) is required");
        }
        this.startPosition = Objects.requireNonNull(b.startPosition, SourceOptions.START.key());
        this.stopAtMs = b.stopAtMs;
        this.fetchMaxRecords = b.fetchMaxRecords;
        this.fetchConcurrency = b.fetchConcurrency;
        this.shardDiscoveryIntervalMs = b.shardDiscoveryIntervalMs;
        this.onExpiredPosition =
                Objects.requireNonNull(b.onExpiredPosition, SourceOptions.DATAHUB_ON_EXPIRED_POSITION.key());
        this.idleBackoffMaxMs = positive(b.idleBackoffMaxMs, "idle backoff");
        this.retryBackoffMaxMs = positive(b.retryBackoffMaxMs, "retry backoff");
        this.shardNotFoundTimeoutMs = positive(b.shardNotFoundTimeoutMs, "shard-not-found timeout");
        this.resolvedStart = b.resolvedStart;
        if (resolvedStart != null && !resolvedStart.start().equals(startPosition)) {
            throw new IllegalArgumentException(
                    "The resolved start (" + resolvedStart + ") is not of start " + startPosition);
        }
        this.credentialsFailureGraceMs = b.credentialsFailureGraceMs;
        this.credentials = b.connection != null ? b.connection.credentials() : b.credentials;
    }

    private static String require(String v, String key) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(key + " is required");
        return v;
    }

    private static long positive(long v, String what) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be > 0 ms, got " + v);
        return v;
    }

    public static Builder builder() {
        return new Builder();
    }

    public DataHubClientFactory clientFactory() {
        return clientFactory;
    }

    public String project() {
        return project;
    }

    public String topic() {
        return topic;
    }

    public StartPosition startPosition() {
        return startPosition;
    }
    /** The optional end time (epoch ms): a shard is finished at its first record at or after it. */
    public OptionalLong stopAtMs() {
        return stopAtMs == null ? OptionalLong.empty() : OptionalLong.of(stopAtMs);
    }

    public long shardDiscoveryIntervalMs() {
        return shardDiscoveryIntervalMs;
    }

    public int fetchMaxRecords() {
        return fetchMaxRecords;
    }
    /** GetRecords calls one source subtask keeps in flight at most (one per shard). */
    public int fetchConcurrency() {
        return fetchConcurrency;
    }

    public OnExpiredPosition onExpiredPosition() {
        return onExpiredPosition;
    }
    /** Longest pause between GetRecords calls on a shard that has no new data. */
    public long idleBackoffMaxMs() {
        return idleBackoffMaxMs;
    }
    /** Longest pause before retrying a throttled or failed call. */
    public long retryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }
    /** How long a shard may be unknown to DataHub (right after resharding) before the job fails. */
    public long shardNotFoundTimeoutMs() {
        return shardNotFoundTimeoutMs;
    }
    /** The start per shard, resolved before submission; null until {@link #withResolvedStart}. */
    public ResolvedStart resolvedStart() {
        return resolvedStart;
    }

    /** This config with the start resolved per shard. */
    public DataHubSourceConfig withResolvedStart(ResolvedStart resolved) {
        Builder b = toBuilder();
        b.resolvedStart = resolved;
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.clientFactory = clientFactory;
        b.project = project;
        b.topic = topic;
        b.startPosition = startPosition;
        b.stopAtMs = stopAtMs;
        b.shardDiscoveryIntervalMs = shardDiscoveryIntervalMs;
        b.fetchMaxRecords = fetchMaxRecords;
        b.fetchConcurrency = fetchConcurrency;
        b.onExpiredPosition = onExpiredPosition;
        b.idleBackoffMaxMs = idleBackoffMaxMs;
        b.retryBackoffMaxMs = retryBackoffMaxMs;
        b.shardNotFoundTimeoutMs = shardNotFoundTimeoutMs;
        b.resolvedStart = resolvedStart;
        b.credentialsFailureGraceMs = credentialsFailureGraceMs;
        b.credentials = credentials;
        return b;
    }

    /** How long DataHub may refuse the credentials before the source fails ({@code credentials.failure-grace}). */
    public long credentialsFailureGraceMs() {
        return credentialsFailureGraceMs;
    }

    /** Where the credentials come from, in words, for messages; never a secret. */
    public String describeCredentials() {
        if (credentials == null) return "the configured credentials";
        try {
            credentials.current(); // so a chain can say which of its sources answered
        } catch (RuntimeException missing) {
            // the description alone still says where they were looked for
        }
        return credentials.describe();
    }

    @Override
    public String toString() {
        return "DataHubSourceConfig{" + project + "/" + topic + ", start=" + startPosition
                + (stopAtMs != null ? ", stop=" + stopAtMs : "") + ", discovery=" + shardDiscoveryIntervalMs
                + "ms, fetchMaxRecords=" + fetchMaxRecords + ", fetchConcurrency=" + fetchConcurrency
                + ", onExpiredPosition=" + onExpiredPosition
                + ", " + clientFactory + '}';
    }

    /**
     * Builder with the job parameters' defaults ({@link SourceOptions}); the values are checked
     * where they are typed, against the same definitions.
     */
    public static final class Builder {
        private DataHubConnection connection;
        private DataHubClientFactory clientFactory;
        private String project;
        private String topic;
        private StartPosition startPosition = SourceOptions.START.defaultValue();
        private Long stopAtMs;
        private long shardDiscoveryIntervalMs =
                SourceOptions.DATAHUB_SHARD_DISCOVERY_INTERVAL.defaultValue().toMillis();
        private int fetchMaxRecords = SourceOptions.DATAHUB_FETCH_MAX_RECORDS.defaultValue();
        private int fetchConcurrency = SourceOptions.DATAHUB_FETCH_CONCURRENCY.defaultValue();
        private OnExpiredPosition onExpiredPosition = SourceOptions.DATAHUB_ON_EXPIRED_POSITION.defaultValue();
        private long idleBackoffMaxMs = 300;
        private long retryBackoffMaxMs = 10_000;
        private long shardNotFoundTimeoutMs = 60_000;
        private ResolvedStart resolvedStart;
        private long credentialsFailureGraceMs =
                CredentialsOptions.CREDENTIALS_FAILURE_GRACE.defaultValue().toMillis();
        /** Where the credentials come from, when the config is copied without its connection. */
        private CredentialsSource credentials;

        private Builder() {}

        public Builder connection(DataHubConnection connection) {
            this.connection = connection;
            return this;
        }

        /** Replaces the SDK client, e.g. with a fake in unit tests. Wins over {@link #connection}. */
        public Builder clientFactory(DataHubClientFactory clientFactory) {
            this.clientFactory = clientFactory;
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder startPosition(StartPosition startPosition) {
            this.startPosition = startPosition;
            return this;
        }

        /** Optional end time, epoch ms; null for an unbounded source. */
        public Builder stopAtMs(Long stopAtMs) {
            this.stopAtMs = stopAtMs;
            return this;
        }

        public Builder shardDiscoveryInterval(Duration interval) {
            this.shardDiscoveryIntervalMs = interval.toMillis();
            return this;
        }

        public Builder fetchMaxRecords(int fetchMaxRecords) {
            this.fetchMaxRecords = fetchMaxRecords;
            return this;
        }

        public Builder fetchConcurrency(int fetchConcurrency) {
            this.fetchConcurrency = fetchConcurrency;
            return this;
        }

        public Builder onExpiredPosition(OnExpiredPosition onExpiredPosition) {
            this.onExpiredPosition = onExpiredPosition;
            return this;
        }

        public Builder idleBackoffMax(Duration d) {
            this.idleBackoffMaxMs = d.toMillis();
            return this;
        }

        public Builder retryBackoffMax(Duration d) {
            this.retryBackoffMaxMs = d.toMillis();
            return this;
        }

        public Builder shardNotFoundTimeout(Duration d) {
            this.shardNotFoundTimeoutMs = d.toMillis();
            return this;
        }

        public Builder credentialsFailureGrace(Duration d) {
            this.credentialsFailureGraceMs = d.toMillis();
            return this;
        }

        /** The start as resolved before submission (normally set by the source when it is created). */
        public Builder resolvedStart(ResolvedStart resolved) {
            this.resolvedStart = resolved;
            return this;
        }

        public DataHubSourceConfig build() {
            return new DataHubSourceConfig(this);
        }
    }
}
