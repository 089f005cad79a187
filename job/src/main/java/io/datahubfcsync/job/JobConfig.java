package io.datahubfcsync.job;

import static io.datahubfcsync.credentials.CredentialsOptions.*;
import static io.datahubfcsync.delivery.DeliveryOptions.*;
import static io.datahubfcsync.fc.FcOptions.*;
import static io.datahubfcsync.job.JobOptions.*;
import static io.datahubfcsync.source.config.SourceOptions.*;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.delivery.DeliveryOptions;
import io.datahubfcsync.delivery.OnExhausted;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.fc.FcOptions;
import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.SourceOptions;
import io.datahubfcsync.source.config.StartPosition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's parameters, typed, validated and immutable. Built once in {@code main} before anything
 * starts; every problem is collected and reported together, each naming the key, the value and
 * what is allowed. What each parameter takes is defined once, by its {@link JobOption} (see
 * {@link JobOptions}); this class adds the rules between parameters.
 */
public final class JobConfig {
    private final Map<JobOption<?>, String> given; // what the user typed, for display
    private final String datahubEndpoint;
    private final String project;
    private final String topic;
    private final DataHubProtocol datahubProtocol;
    private final int fetchMaxRecords;
    private final int fetchConcurrency;
    private final Duration shardDiscoveryInterval;
    private final OnExpiredPosition onExpiredPosition;
    private final String fcEndpoint;
    private final String fcAccountId;
    private final String region;
    private final FcApiVersion fcApiVersion;
    private final String fcService; // null with FC 3.0
    private final String fcFunction;
    private final String fcQualifier; // null: none
    private final Duration fcReadTimeout;
    private final StartPosition start;
    private final Long stopMs; // null: unbounded
    private final int batchMaxRecords;
    private final long batchMaxBytes;
    private final Duration batchMaxWait;
    private final Duration retryInterval;
    private final int retryMaxAttempts;
    private final OnExhausted onExhausted;
    private final String deadLetterTopic; // null unless dead-letter
    private final Duration suspendProbeInterval; // zero: never
    private final int maxBufferedRecordsPerShard; // 0: a fair share
    private final long maxBufferedBytesPerShard; // 0: twice batch.max-bytes
    private final BlobEncoding blobEncoding;
    private final int maxConcurrency;
    private final long maxRecordsPerSecond; // 0: unlimited
    private final int maxBufferedRecords;
    private final String credentialsFile; // null: the standard chain
    private final Duration credentialsFailureGrace;
    private final String datahubSubscription; // null: none; an id or "auto"

    /** Parses {@code --key value} arguments. */
    public static JobConfig fromArgs(String[] args) {
        return fromMap(parseArgs(args));
    }

    /** Splits {@code --key value} pairs; a lone {@code --flag} means {@code true}. */
    public static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                problems.add("unexpected argument '" + a + "': parameters are given as --key value");
                continue;
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            if (m.put(key, value) != null) problems.add(key + " is given more than once");
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return m;
    }

    public static JobConfig fromMap(Map<String, String> raw) {
        return new JobConfig(raw);
    }

    private JobConfig(Map<String, String> raw) {
        Parser p = new Parser(raw);
        datahubEndpoint = p.value(DATAHUB_ENDPOINT);
        project = p.value(DATAHUB_PROJECT);
        topic = p.value(DATAHUB_TOPIC);
        datahubProtocol = p.value(DATAHUB_PROTOCOL);
        fetchMaxRecords = p.value(DATAHUB_FETCH_MAX_RECORDS);
        fetchConcurrency = p.value(DATAHUB_FETCH_CONCURRENCY);
        shardDiscoveryInterval = p.value(DATAHUB_SHARD_DISCOVERY_INTERVAL);
        onExpiredPosition = p.value(DATAHUB_ON_EXPIRED_POSITION);
        fcService = p.value(FC_SERVICE);
        FcApiVersion version = p.value(FC_API_VERSION);
        fcApiVersion = version != null ? version : FcOptions.defaultApiVersion(fcService);
        if (version != null) FcOptions.serviceProblem(fcApiVersion, fcService).ifPresent(p::problem);
        fcFunction = p.value(FC_FUNCTION);
        fcQualifier = p.value(FC_QUALIFIER);
        fcReadTimeout = p.value(FC_READ_TIMEOUT);
        start = p.value(START);
        stopMs = p.value(STOP);
        batchMaxRecords = p.value(BATCH_MAX_RECORDS);
        batchMaxBytes = p.value(BATCH_MAX_BYTES);
        batchMaxWait = p.value(BATCH_MAX_WAIT);
        retryInterval = p.value(RETRY_INTERVAL);
        retryMaxAttempts = p.value(RETRY_MAX_ATTEMPTS);
        onExhausted = p.value(ON_EXHAUSTED);
        deadLetterTopic = p.value(DEAD_LETTER_TOPIC);
        suspendProbeInterval = p.value(SUSPEND_PROBE_INTERVAL);
        blobEncoding = p.value(EVENT_BLOB_ENCODING);
        maxConcurrency = p.value(DELIVERY_MAX_CONCURRENCY);
        maxBufferedRecords = p.value(DELIVERY_MAX_BUFFERED_RECORDS);
        maxRecordsPerSecond = p.valueOr(DELIVERY_MAX_RECORDS_PER_SECOND, 0);
        maxBufferedRecordsPerShard = p.valueOr(DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD, 0);
        Long bytesPerShard = p.value(DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD);
        if (bytesPerShard != null && p.valid(BATCH_MAX_BYTES)) {
            DeliveryOptions.bufferedBytesPerShardProblem(bytesPerShard, batchMaxBytes)
                    .ifPresent(p::problem);
        }
        maxBufferedBytesPerShard = bytesPerShard == null ? 0 : bytesPerShard;
        String file = p.value(CREDENTIALS_FILE);
        credentialsFile = file == null || file.isEmpty() ? null : file;
        credentialsFailureGrace = p.value(CREDENTIALS_FAILURE_GRACE);
        datahubSubscription = p.value(DATAHUB_SUBSCRIPTION);

        // FC endpoint, account id and region belong together
        String fcUrl = p.value(FC_ENDPOINT);
        boolean allowPublic = p.value(FC_ALLOW_PUBLIC_ENDPOINT);
        String account = p.value(FC_ACCOUNT_ID);
        String reg = p.value(REGION);
        if (fcUrl != null) {
            Endpoints.FcHost host = Endpoints.describeFc(URI.create(fcUrl));
            if (!host.loopback && !host.internal && !allowPublic) {
                String hint = Endpoints.suggestFcHost(URI.create(fcUrl))
                        .map(s -> " (did you mean " + s + "?)")
                        .orElse("");
                p.problem(FC_ENDPOINT.problem(
                        fcUrl,
                        "is not an internal endpoint https://<account_id>.<region>-internal.fc.aliyuncs.com" + hint
                                + "; to call FC over the Internet anyway pass --" + FC_ALLOW_PUBLIC_ENDPOINT.key()
                                + " true"));
            }
            if (account == null && p.absent(FC_ACCOUNT_ID)) {
                account = host.accountId;
                if (account == null)
                    p.problem(FC_ACCOUNT_ID.problem(
                            "cannot be derived from fc.endpoint " + fcUrl + ": pass --fc.account-id <id>"));
            }
            if (reg == null && p.absent(REGION)) {
                reg = host.region;
                if (reg == null)
                    p.problem(REGION.problem("cannot be derived from fc.endpoint " + fcUrl
                            + ": pass --region <region>, e.g. cn-hangzhou"));
            }
        }
        fcEndpoint = fcUrl;
        fcAccountId = account;
        region = reg;

        if (p.valid(ON_EXHAUSTED)) {
            DeliveryOptions.deadLetterProblems(onExhausted, deadLetterTopic, project, topic)
                    .forEach(p::problem);
        }
        if (stopMs != null && p.valid(START))
            SourceOptions.stopProblem(start, stopMs).ifPresent(p::problem);
        p.throwIfAny();
        given = Collections.unmodifiableMap(p.given);
    }

    public String datahubEndpoint() {
        return datahubEndpoint;
    }
    /** {@code datahub.project}: the source project. */
    public String project() {
        return project;
    }
    /** {@code datahub.topic}: the source topic. */
    public String topic() {
        return topic;
    }

    public DataHubProtocol datahubProtocol() {
        return datahubProtocol;
    }

    public int fetchMaxRecords() {
        return fetchMaxRecords;
    }

    public int fetchConcurrency() {
        return fetchConcurrency;
    }

    public Duration shardDiscoveryInterval() {
        return shardDiscoveryInterval;
    }

    public OnExpiredPosition onExpiredPosition() {
        return onExpiredPosition;
    }

    public String fcEndpoint() {
        return fcEndpoint;
    }
    /** Given, or derived from {@code fc.endpoint}. */
    public String fcAccountId() {
        return fcAccountId;
    }
    /** Given, or derived from {@code fc.endpoint}. */
    public String region() {
        return region;
    }
    /** Given, or FC 3.0 without a service and FC 2.0 with one. */
    public FcApiVersion fcApiVersion() {
        return fcApiVersion;
    }
    /** The FC 2.0 service; null with FC 3.0. */
    public String fcService() {
        return fcService;
    }

    public String fcFunction() {
        return fcFunction;
    }
    /** Alias or version; null for none. */
    public String fcQualifier() {
        return fcQualifier;
    }

    public Duration fcReadTimeout() {
        return fcReadTimeout;
    }

    public StartPosition start() {
        return start;
    }
    /** The end time in epoch ms; null for an unbounded job. */
    public Long stopMs() {
        return stopMs;
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

    public OnExhausted onExhausted() {
        return onExhausted;
    }
    /** Null unless {@code on-exhausted=dead-letter}. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }
    /** Zero: never. */
    public Duration suspendProbeInterval() {
        return suspendProbeInterval;
    }
    /** 0: a fair share of {@link #maxBufferedRecords()}. */
    public int maxBufferedRecordsPerShard() {
        return maxBufferedRecordsPerShard;
    }
    /** 0: twice {@link #batchMaxBytes()}. */
    public long maxBufferedBytesPerShard() {
        return maxBufferedBytesPerShard;
    }

    public BlobEncoding blobEncoding() {
        return blobEncoding;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }
    /** 0: unlimited. */
    public long maxRecordsPerSecond() {
        return maxRecordsPerSecond;
    }

    public int maxBufferedRecords() {
        return maxBufferedRecords;
    }
    /** Null: the standard credential chain. */
    public String credentialsFile() {
        return credentialsFile;
    }

    public Duration credentialsFailureGrace() {
        return credentialsFailureGrace;
    }
    /** Null: none; otherwise a subscription id or {@code auto}. */
    public String datahubSubscription() {
        return datahubSubscription;
    }

    public boolean isBounded() {
        return stopMs != null;
    }

    public CredentialsSource credentialsSource() {
        return credentialsFile == null
                ? CredentialsSource.standardChain()
                : CredentialsSource.fromFile(credentialsFile);
    }

    /** Every parameter with its effective value, for the start-up log and Flink's job parameters. No secrets exist here. */
    public Map<String, String> effectiveParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        for (JobOption<?> o : JobOptions.values()) {
            String v = given.get(o);
            m.put(o.key(), v != null ? v : o.defaultText());
        }
        m.put(FC_API_VERSION.key(), fcApiVersion.id());
        m.put(FC_ACCOUNT_ID.key(), fcAccountId);
        m.put(REGION.key(), region);
        return m;
    }

    /** Reads raw values by their option definitions, recording problems instead of throwing at the first. */
    private static final class Parser {
        private final Map<JobOption<?>, String> given = new HashMap<>();
        private final List<JobOption<?>> invalid = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> raw) {
            for (Map.Entry<String, String> e : raw.entrySet()) {
                var option = JobOptions.byKey(e.getKey());
                if (option.isPresent()) {
                    given.put(option.get(), e.getValue());
                } else {
                    String hint = JobOptions.closestKey(e.getKey())
                            .map(k -> " Did you mean --" + k + "?")
                            .orElse("");
                    problems.add("unknown parameter --" + e.getKey() + "." + hint + " Valid parameters: "
                            + String.join(", ", JobOptions.keys()));
                }
            }
        }

        void problem(String problem) {
            problems.add(problem);
        }

        void throwIfAny() {
            if (!problems.isEmpty()) throw new ConfigException(problems);
        }

        /**
         * The typed value: parsed if given, else the default value, else null. A required option
         * that is missing, or a value that does not parse, is a problem (and gives the default or
         * null, so the other parameters are still checked).
         */
        <T> T value(JobOption<T> o) {
            String v = given.get(o);
            if (v == null) {
                if (o.required())
                    problems.add(o.problem("is required (" + o.description().replace("`", "") + ")"));
                return o.hasDefaultValue() ? o.defaultValue() : null;
            }
            try {
                return o.parse(v);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                invalid.add(o);
                return o.hasDefaultValue() ? o.defaultValue() : null;
            }
        }

        <T> T valueOr(JobOption<T> o, T whenAbsent) {
            T v = value(o);
            return v == null ? whenAbsent : v;
        }

        /** Not given at all (as opposed to given and invalid). */
        boolean absent(JobOption<?> o) {
            return !given.containsKey(o);
        }

        /** Given and valid, or left to its default: rules between parameters can use its value. */
        boolean valid(JobOption<?> o) {
            return !invalid.contains(o);
        }
    }
}
