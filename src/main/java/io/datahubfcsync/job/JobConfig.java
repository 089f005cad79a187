package io.datahubfcsync.job;

import static io.datahubfcsync.job.JobOption.*;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.delivery.OnExhausted;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.StartPosition;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job's parameters, typed, validated and immutable. Built once in {@code main} before anything
 * starts; every problem is collected and reported together, each naming the key, the value and
 * what is allowed.
 */
public final class JobConfig {
    public static final long MAX_EVENT_BYTES = 32L * 1024 * 1024; // FC's synchronous payload limit

    private final Map<JobOption, String> given; // what the user typed, for display
    public final String datahubEndpoint;
    public final String project;
    public final String topic;
    public final DataHubProtocol datahubProtocol;
    public final int fetchMaxRecords;
    public final int fetchConcurrency;
    public final Duration shardDiscoveryInterval;
    public final OnExpiredPosition onExpiredPosition;
    public final String fcEndpoint;
    public final String fcAccountId;
    public final String region;
    public final FcApiVersion fcApiVersion;
    public final String fcService; // null with FC 3.0
    public final String fcFunction;
    public final String fcQualifier; // null: none
    public final Duration fcReadTimeout;
    public final StartPosition start;
    public final Long stopMs; // null: unbounded
    public final int batchMaxRecords;
    public final long batchMaxBytes;
    public final Duration batchMaxWait;
    public final Duration retryInterval;
    public final int retryMaxAttempts;
    public final OnExhausted onExhausted;
    public final String deadLetterTopic; // null unless dead-letter
    public final Duration suspendProbeInterval; // zero: never
    public final int maxBufferedRecordsPerShard; // 0: a fair share
    public final long maxBufferedBytesPerShard; // 0: twice batch.max-bytes
    public final BlobEncoding blobEncoding;
    public final int maxConcurrency;
    public final long maxRecordsPerSecond; // 0: unlimited
    public final int maxBufferedRecords;
    public final String credentialsFile; // null: environment
    public final Duration credentialsFailureGrace;
    public final String datahubSubscription; // null: none; an id or "auto"

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
        datahubEndpoint = p.endpoint(DATAHUB_ENDPOINT);
        project = p.name(DATAHUB_PROJECT);
        topic = p.name(DATAHUB_TOPIC);
        datahubProtocol = p.choice(DATAHUB_PROTOCOL, DataHubProtocol.class);
        fetchMaxRecords = p.integer(DATAHUB_FETCH_MAX_RECORDS, 1, 1000);
        fetchConcurrency = p.integer(DATAHUB_FETCH_CONCURRENCY, 1, DataHubSourceConfig.MAX_FETCH_CONCURRENCY);
        shardDiscoveryInterval = p.duration(DATAHUB_SHARD_DISCOVERY_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
        onExpiredPosition = p.choice(DATAHUB_ON_EXPIRED_POSITION, OnExpiredPosition.class);
        fcService = p.optionalName(FC_SERVICE);
        fcApiVersion = p.fcApiVersion(fcService);
        fcFunction = p.name(FC_FUNCTION);
        fcQualifier = p.optionalName(FC_QUALIFIER);
        fcReadTimeout = p.duration(FC_READ_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(24));
        start = p.start();
        stopMs = p.optionalTime(STOP);
        batchMaxRecords = p.integer(BATCH_MAX_RECORDS, 1, 10_000);
        batchMaxBytes = p.bytes(BATCH_MAX_BYTES, 1024, MAX_EVENT_BYTES);
        batchMaxWait = p.duration(BATCH_MAX_WAIT, Duration.ZERO, Duration.ofMinutes(10));
        retryInterval = p.duration(RETRY_INTERVAL, Duration.ZERO, Duration.ofHours(1));
        retryMaxAttempts = p.integer(RETRY_MAX_ATTEMPTS, 1, 1_000_000);
        onExhausted = p.choice(ON_EXHAUSTED, OnExhausted.class);
        deadLetterTopic = p.optionalName(DEAD_LETTER_TOPIC);
        suspendProbeInterval = p.duration(SUSPEND_PROBE_INTERVAL, Duration.ZERO, Duration.ofDays(7));
        blobEncoding = p.choice(EVENT_BLOB_ENCODING, BlobEncoding.class);
        maxConcurrency = p.integer(DELIVERY_MAX_CONCURRENCY, 1, 1024);
        maxBufferedRecords = p.integer(DELIVERY_MAX_BUFFERED_RECORDS, 1, 10_000_000);
        maxRecordsPerSecond = p.given.containsKey(DELIVERY_MAX_RECORDS_PER_SECOND)
                ? p.integer(DELIVERY_MAX_RECORDS_PER_SECOND, 1, 100_000_000) : 0;
        maxBufferedRecordsPerShard = p.given.containsKey(DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD)
                ? p.integer(DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD, 1, 10_000_000) : 0;
        maxBufferedBytesPerShard = p.given.containsKey(DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD)
                ? p.bytes(DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD, Math.min(batchMaxBytes, MAX_EVENT_BYTES), 1L << 40) : 0;
        credentialsFile = p.optionalName(CREDENTIALS_FILE);
        credentialsFailureGrace = p.duration(CREDENTIALS_FAILURE_GRACE, Duration.ZERO, Duration.ofDays(1));
        datahubSubscription = p.optionalName(DATAHUB_SUBSCRIPTION);
        if (datahubSubscription != null && !datahubSubscription.equals("auto")
                && !datahubSubscription.matches("[A-Za-z0-9]{1,64}")) {
            p.problem(DATAHUB_SUBSCRIPTION, datahubSubscription,
                    "must be a subscription id (letters and digits, as the DataHub console shows it) or `auto`");
        }

        // FC endpoint, account id and region belong together
        String fcUrl = p.endpoint(FC_ENDPOINT);
        boolean allowPublic = p.bool(FC_ALLOW_PUBLIC_ENDPOINT);
        String account = p.optionalName(FC_ACCOUNT_ID);
        String reg = p.optionalName(REGION);
        if (fcUrl != null) {
            Endpoints.FcHost host = Endpoints.describeFc(URI.create(fcUrl));
            if (!host.loopback && !host.internal && !allowPublic) {
                String hint = Endpoints.suggestFcHost(URI.create(fcUrl)).map(s -> " (did you mean " + s + "?)").orElse("");
                p.problem(FC_ENDPOINT, fcUrl, "is not an internal endpoint https://<account_id>.<region>-internal.fc.aliyuncs.com"
                        + hint + "; to call FC over the Internet anyway pass --" + FC_ALLOW_PUBLIC_ENDPOINT.key() + " true");
            }
            if (account == null) account = host.accountId;
            if (reg == null) reg = host.region;
            if (account == null) p.missing(FC_ACCOUNT_ID, "cannot be derived from fc.endpoint " + fcUrl + ": pass --fc.account-id <id>");
            else if (!account.matches("\\d+")) p.problem(FC_ACCOUNT_ID, account, "must be the numeric account id");
            if (reg == null) p.missing(REGION, "cannot be derived from fc.endpoint " + fcUrl + ": pass --region <region>, e.g. cn-hangzhou");
            else if (!reg.matches("[a-z0-9-]+")) p.problem(REGION, reg, "must look like cn-hangzhou");
        }
        fcEndpoint = fcUrl;
        fcAccountId = account;
        region = reg;

        if (onExhausted == OnExhausted.DEAD_LETTER && deadLetterTopic == null) {
            p.missing(DEAD_LETTER_TOPIC, "is required with on-exhausted=dead-letter (a BLOB topic in project " + project + ")");
        }
        if (onExhausted != OnExhausted.DEAD_LETTER && deadLetterTopic != null) {
            p.problem(DEAD_LETTER_TOPIC, deadLetterTopic, "is only used with --on-exhausted dead-letter; remove it or set on-exhausted");
        }
        if (deadLetterTopic != null && deadLetterTopic.equals(topic)) {
            p.problem(DEAD_LETTER_TOPIC, deadLetterTopic, "must not be the source topic (failed events would be read again)");
        }
        if (stopMs != null && start.kind() == StartPosition.Kind.TIMESTAMP && stopMs <= start.timestampMs()) {
            p.problem(STOP, raw.get(STOP.key()), "must be after start (" + Instant.ofEpochMilli(start.timestampMs()) + ")");
        }
        p.throwIfAny();
        given = Collections.unmodifiableMap(p.given);
    }

    public boolean isBounded() {
        return stopMs != null;
    }

    public CredentialsSource credentialsSource() {
        return credentialsFile == null ? CredentialsSource.standardChain() : CredentialsSource.fromFile(credentialsFile);
    }

    /** Every parameter with its effective value, for the start-up log and Flink's job parameters. No secrets exist here. */
    public Map<String, String> effectiveParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        for (JobOption o : JobOption.values()) {
            String v = given.get(o);
            m.put(o.key(), v != null ? v : o.defaultText());
        }
        m.put(FC_API_VERSION.key(), fcApiVersion.id());
        m.put(FC_ACCOUNT_ID.key(), fcAccountId);
        m.put(REGION.key(), region);
        return m;
    }

    /** Reads raw values, records problems instead of throwing at the first. */
    private static final class Parser {
        private final Map<String, String> raw;
        private final Map<JobOption, String> given = new EnumMap<>(JobOption.class);
        private final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> raw) {
            this.raw = raw;
            for (Map.Entry<String, String> e : raw.entrySet()) {
                var option = JobOption.byKey(e.getKey());
                if (option.isPresent()) {
                    given.put(option.get(), e.getValue());
                } else {
                    String hint = JobOption.closestKey(e.getKey()).map(k -> " Did you mean --" + k + "?").orElse("");
                    problems.add("unknown parameter --" + e.getKey() + "." + hint + " Valid parameters: "
                            + String.join(", ", JobOption.keys()));
                }
            }
        }

        void problem(JobOption o, String value, String what) {
            problems.add("--" + o.key() + " '" + value + "' " + what);
        }

        void missing(JobOption o, String what) {
            problems.add("--" + o.key() + " " + what);
        }

        void throwIfAny() {
            if (!problems.isEmpty()) throw new ConfigException(problems);
        }

        private String value(JobOption o) {
            String v = given.get(o);
            if (v == null && o.required()) {
                missing(o, "is required (" + o.description().replace("`", "") + ")");
            }
            return v == null ? null : v.trim();
        }

        private String valueOrDefault(JobOption o) {
            String v = given.get(o);
            return v == null ? o.defaultText() : v.trim();
        }

        String endpoint(JobOption o) {
            String v = value(o);
            if (v == null) return null;
            try {
                URI uri = Endpoints.checkUrl(v);
                String s = uri.toString();
                return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
            } catch (IllegalArgumentException e) {
                problem(o, v, e.getMessage());
                return null;
            }
        }

        /** Project, topic, service, function names: no blanks, no path characters. */
        String name(JobOption o) {
            String v = value(o);
            if (v == null) return null;
            if (v.isEmpty() || !v.matches("[A-Za-z0-9_.\\-]+")) {
                problem(o, v, "must be a non-empty name of letters, digits, '_', '-' or '.'");
                return null;
            }
            return v;
        }

        String optionalName(JobOption o) {
            String v = given.get(o);
            if (v == null) return null;
            v = v.trim();
            if (o == CREDENTIALS_FILE) return v.isEmpty() ? null : v;
            if (v.isEmpty() || !v.matches("[A-Za-z0-9_.\\-]+")) {
                problem(o, v, "must be a name of letters, digits, '_', '-' or '.'");
                return null;
            }
            return v;
        }

        int integer(JobOption o, int min, int max) {
            String v = valueOrDefault(o);
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problem(o, v, "is out of range: allowed " + min + ".." + max);
                    return min;
                }
                return (int) n;
            } catch (NumberFormatException e) {
                problem(o, v, "is not a whole number (allowed " + min + ".." + max + ")");
                return min;
            }
        }

        long bytes(JobOption o, long min, long max) {
            String v = valueOrDefault(o);
            try {
                long n = Units.bytes(v);
                if (n < min || n > max) {
                    problem(o, v, "is out of range: allowed " + Units.formatBytes(min) + ".." + Units.formatBytes(max));
                    return max;
                }
                return n;
            } catch (IllegalArgumentException | ArithmeticException e) {
                problem(o, v, e.getMessage());
                return max;
            }
        }

        Duration duration(JobOption o, Duration min, Duration max) {
            String v = valueOrDefault(o);
            try {
                Duration d = Units.duration(v);
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                    problem(o, v, "is out of range: allowed " + Units.formatDuration(min) + ".." + Units.formatDuration(max));
                    return min;
                }
                return d;
            } catch (IllegalArgumentException | ArithmeticException e) {
                problem(o, v, e.getMessage());
                return min;
            }
        }

        boolean bool(JobOption o) {
            String v = valueOrDefault(o).toLowerCase(Locale.ROOT);
            if (v.equals("true")) return true;
            if (!v.equals("false")) problem(o, v, "must be true or false");
            return false;
        }

        <E extends Enum<E>> E choice(JobOption o, Class<E> type) {
            String v = valueOrDefault(o);
            String normalized = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(normalized)) return e;
            }
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            problem(o, v, "is not one of " + String.join(", ", allowed));
            return type.getEnumConstants()[0];
        }

        /** FC 3.0 unless a service names an FC 2.0 function; a service with 2023-03-30 is a mistake. */
        FcApiVersion fcApiVersion(String service) {
            String v = given.get(FC_API_VERSION);
            if (v == null) return service == null ? FcApiVersion.V3_2023_03_30 : FcApiVersion.V2_2016_08_15;
            FcApiVersion version = FcApiVersion.byId(v).orElse(null);
            if (version == null) {
                problem(FC_API_VERSION, v, "is not one of 2023-03-30 (FC 3.0), 2016-08-15 (FC 2.0)");
                return service == null ? FcApiVersion.V3_2023_03_30 : FcApiVersion.V2_2016_08_15;
            }
            if (version == FcApiVersion.V3_2023_03_30 && service != null) {
                problem(FC_SERVICE, service, "is not used by FC 3.0 (fc.api-version 2023-03-30), whose functions belong"
                        + " to no service: remove --fc.service, or pass --fc.api-version 2016-08-15 for an FC 2.0 function");
            }
            if (version == FcApiVersion.V2_2016_08_15 && service == null) {
                missing(FC_SERVICE, "is required with fc.api-version 2016-08-15 (FC 2.0 functions live in a service)");
            }
            return version;
        }

        StartPosition start() {
            String v = valueOrDefault(START);
            String upper = v.toUpperCase(Locale.ROOT);
            if (upper.equals("OLDEST")) return StartPosition.oldest();
            if (upper.equals("LATEST")) return StartPosition.latest();
            Long t = time(START, v);
            return t == null ? StartPosition.latest() : StartPosition.timestamp(t);
        }

        Long optionalTime(JobOption o) {
            String v = given.get(o);
            return v == null ? null : time(o, v.trim());
        }

        private Long time(JobOption o, String v) {
            Long ms = null;
            if (v.matches("\\d{1,18}")) ms = Long.parseLong(v);
            if (ms == null) {
                try {
                    ms = Instant.parse(v).toEpochMilli();
                } catch (DateTimeParseException e) {
                    problem(o, v, "is not " + (o == START ? "OLDEST, LATEST, " : "")
                            + "an ISO-8601 instant (e.g. 2026-11-21T08:00:00Z) or epoch milliseconds");
                    return null;
                }
            }
            if (ms > System.currentTimeMillis() + Duration.ofDays(366).toMillis()) {
                problem(o, v, "is more than a year in the future; epoch values are milliseconds, not microseconds");
                return null;
            }
            return ms;
        }
    }
}
