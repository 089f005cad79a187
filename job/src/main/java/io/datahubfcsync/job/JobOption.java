package io.datahubfcsync.job;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every job parameter a user can pass as {@code --key value}: the single list that parsing, the
 * "unknown key" message and the README table are made from (a test keeps README in step).
 */
public enum JobOption {
    DATAHUB_ENDPOINT("datahub.endpoint", null,
            "DataHub endpoint, e.g. `https://dh-cn-hangzhou-int-vpc.aliyuncs.com`; `http://` only for loopback"),
    DATAHUB_PROJECT("datahub.project", null, "source project"),
    DATAHUB_TOPIC("datahub.topic", null, "source topic (TUPLE or BLOB)"),
    FC_ENDPOINT("fc.endpoint", null,
            "`https://<account_id>.<region>-internal.fc.aliyuncs.com`; a public endpoint needs `fc.allow-public-endpoint=true`; `http://` only for loopback"),
    FC_ALLOW_PUBLIC_ENDPOINT("fc.allow-public-endpoint", "false", "allow a public (Internet) FC endpoint"),
    FC_ACCOUNT_ID("fc.account-id", "from `fc.endpoint`", "Alibaba Cloud account id that owns the function"),
    FC_API_VERSION("fc.api-version", "`2023-03-30` without `fc.service`, `2016-08-15` with it",
            "`2023-03-30` (FC 3.0: a function of its own, as the console creates today) or `2016-08-15` (FC 2.0: a function in `fc.service`)"),
    FC_SERVICE("fc.service", "none", "FC 2.0 service (API `2016-08-15` only); must exist (checked at start)"),
    FC_FUNCTION("fc.function", null, "FC function; must exist (checked at start)"),
    FC_QUALIFIER("fc.qualifier", "none", "alias or version to invoke"),
    REGION("region", "from `fc.endpoint`", "the event's `region`"),
    START("start", "LATEST",
            "`OLDEST`, `LATEST`, an ISO-8601 instant or epoch ms: where to start. Resolved once, when the job is submitted, to per-shard sequences that every attempt without a checkpoint starts from"),
    STOP("stop", "none", "optional end time (ISO-8601 or epoch ms): the job finishes when every shard has passed it (backfill)"),
    BATCH_MAX_RECORDS("batch.max-records", "100", "records per event, 1..10000"),
    BATCH_MAX_BYTES("batch.max-bytes", "4MiB", "size of the event JSON, 1KiB..32MiB"),
    BATCH_MAX_WAIT("batch.max-wait", "0ms", "how long a partial batch may wait for more records"),
    RETRY_INTERVAL("retry.interval", "1s", "pause between attempts after a failed invocation"),
    RETRY_MAX_ATTEMPTS("retry.max-attempts", "512", "failed attempts of one batch before the shard is exhausted"),
    ON_EXHAUSTED("on-exhausted", "suspend",
            "`suspend`: the shard stops (state 3) keeping its batch while the other shards go on; it resumes after a successful probe, a resume request or a new run (full budget again); `fail`: the job fails without restarting, resume from the latest checkpoint after fixing the function; `dead-letter`: write the batch to `dead-letter.topic` and go on"),
    SUSPEND_PROBE_INTERVAL("suspend.probe-interval", "10min",
            "how often a suspended shard's batch is tried once (on success the shard resumes); `0` = never"),
    DEAD_LETTER_TOPIC("dead-letter.topic", "none", "BLOB topic in the same project; required with `on-exhausted=dead-letter`"),
    EVENT_BLOB_ENCODING("event.blob-encoding", "utf8", "`utf8` (invalid UTF-8 is a data error) or `base64`"),
    FC_READ_TIMEOUT("fc.read-timeout", "10min", "per invocation; a timeout is a failed attempt"),
    DELIVERY_MAX_CONCURRENCY("delivery.max-concurrency", "64",
            "invocations in flight at once per subtask (never more than one per shard)"),
    DELIVERY_MAX_RECORDS_PER_SECOND("delivery.max-records-per-second", "unlimited",
            "records invoked per second by the whole job, e.g. to keep a backfill from `OLDEST` from flooding the function; each delivery subtask paces to its parallel share, serving its shards in turn; a throttled function (429) halves a subtask's rate, which then grows back by a tenth of the setting per second"),
    DELIVERY_MAX_BUFFERED_RECORDS("delivery.max-buffered-records", "10000",
            "records buffered per subtask; above it the operator applies backpressure"),
    DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD("delivery.max-buffered-records-per-shard", "a fair share",
            "records one shard may hold; default `delivery.max-buffered-records` divided by the shards of the subtask. A shard that cannot move (retrying, suspended, waiting for its parents) keeps no more, never slows the others, and reads what it let go back from DataHub when it moves again"),
    DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD("delivery.max-buffered-bytes-per-shard", "2 × `batch.max-bytes`",
            "payload bytes one shard may hold, at least `batch.max-bytes`; like the records budget"),
    DATAHUB_ON_EXPIRED_POSITION("datahub.on-expired-position", "fail",
            "`fail` (the job fails without restarting, naming shard and lost range) or `oldest` (go on from the oldest retained record; counted in `expiredRecordsSkipped`): what to do when records the job still had to read expired from DataHub"),
    DATAHUB_SHARD_DISCOVERY_INTERVAL("datahub.shard-discovery-interval", "10s", "how often shards are listed"),
    DATAHUB_FETCH_MAX_RECORDS("datahub.fetch-max-records", "1000", "records per GetRecords call, 1..1000"),
    DATAHUB_FETCH_CONCURRENCY("datahub.fetch-concurrency", "8",
            "GetRecords calls in flight at once per source subtask (never more than one per shard), 1..64"),
    DATAHUB_PROTOCOL("datahub.protocol", "protobuf", "`protobuf` or `json`"),
    DATAHUB_SUBSCRIPTION("datahub.subscription", "none",
            "a subscription id of the topic, or `auto` (one named after the job, created at the first start): after each completed checkpoint the delivered position of every shard is committed there, so DataHub's console shows the job's progress; only for watching, positions come from Flink state"),
    CREDENTIALS_FILE("credentials.file", "none",
            "file with `access_key_id`, `access_key_secret`, optional `security_token`, re-read when it changes, instead of the standard Alibaba Cloud credential chain (the default; see below)"),
    CREDENTIALS_FAILURE_GRACE("credentials.failure-grace", "5min",
            "how long DataHub or FC may keep rejecting the credentials (expired token, unknown key, wrong secret, access denied) while the job backs off and re-reads them; such failures never spend a batch's attempts; after it the job fails naming the credential source");

    private final String key;
    private final String defaultText; // null: required
    private final String description;

    JobOption(String key, String defaultText, String description) {
        this.key = key;
        this.defaultText = defaultText;
        this.description = description;
    }

    public String key() { return key; }

    public boolean required() { return defaultText == null; }

    /** The default as shown to users ("—" when required). */
    public String defaultText() { return defaultText == null ? "—" : defaultText; }

    public String description() { return description; }

    public static Optional<JobOption> byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(JobOption::key).collect(Collectors.toList());
    }

    /** The closest valid key to a mistyped one, if any is close enough to be a plausible typo. */
    public static Optional<String> closestKey(String typed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (JobOption o : values()) {
            int d = editDistance(typed, o.key);
            if (d < bestDistance) {
                bestDistance = d;
                best = o.key;
            }
        }
        // also catch a missing prefix, e.g. "project" for "datahub.project"
        for (JobOption o : values()) {
            if (o.key.endsWith("." + typed) || o.key.endsWith("-" + typed)) return Optional.of(o.key);
        }
        return bestDistance <= Math.max(2, typed.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /** Prints the README's parameter table: {@code java -cp target/classes io.datahubfcsync.job.JobOption}. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }

    /** The README's parameter table, generated from this list. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (JobOption o : values()) {
            b.append("| `").append(o.key).append("` | ")
                    .append(o.required() ? "required" : o.defaultText)
                    .append(" | ").append(o.description).append(" |\n");
        }
        return b.toString();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
