package io.datahubfcsync.delivery;

import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.fc.FcOptions;
import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.option.OptionType;
import io.datahubfcsync.option.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job parameters of the delivery operator: how records are packed into events, how failed
 * invocations are retried and what happens after the last attempt, and how much is buffered and
 * sent at once. {@link DeliveryConfig}'s defaults are these options' defaults.
 */
public final class DeliveryOptions {
    private DeliveryOptions() {}

    public static final JobOption<Integer> BATCH_MAX_RECORDS =
            JobOption.withDefault("batch.max-records", OptionType.integer(1, 10_000), 100, "records per event");
    public static final JobOption<Long> BATCH_MAX_BYTES = JobOption.withDefault(
            "batch.max-bytes",
            OptionType.bytes(1024, FcOptions.MAX_SYNC_PAYLOAD_BYTES),
            4L * 1024 * 1024,
            "size of the event JSON; at most FC's limit for a synchronous invocation");
    public static final JobOption<Duration> BATCH_MAX_WAIT = JobOption.withDefault(
            "batch.max-wait",
            OptionType.duration(Duration.ZERO, Duration.ofMinutes(10)),
            Duration.ZERO,
            "how long a partial batch may wait for more records");
    public static final JobOption<Duration> RETRY_INTERVAL = JobOption.withDefault(
            "retry.interval",
            OptionType.duration(Duration.ZERO, Duration.ofHours(1)),
            Duration.ofSeconds(1),
            "pause between attempts after a failed invocation");
    public static final JobOption<Integer> RETRY_MAX_ATTEMPTS = JobOption.withDefault(
            "retry.max-attempts",
            OptionType.integer(1, 1_000_000),
            512,
            "failed attempts of one batch before the shard is exhausted");
    public static final JobOption<OnExhausted> ON_EXHAUSTED = JobOption.withDefault(
            "on-exhausted",
            OptionType.choice(OnExhausted.class),
            OnExhausted.SUSPEND,
            "`suspend`: the shard stops (state 3) keeping its batch while the other shards go on; it resumes after a successful probe, a resume request or a new run (full budget again); `fail`: the job fails without restarting, resume from the latest checkpoint after fixing the function; `dead-letter`: write the batch to `dead-letter.topic` and go on");
    public static final JobOption<Duration> SUSPEND_PROBE_INTERVAL = JobOption.withDefault(
            "suspend.probe-interval",
            OptionType.duration(Duration.ZERO, Duration.ofDays(7)),
            Duration.ofMinutes(10),
            "how often a suspended shard's batch is tried once (on success the shard resumes); `0` = never");
    public static final JobOption<String> DEAD_LETTER_TOPIC = JobOption.optional(
            "dead-letter.topic",
            OptionType.name(),
            "none",
            "BLOB topic in the same project; required with `on-exhausted=dead-letter`");
    public static final JobOption<BlobEncoding> EVENT_BLOB_ENCODING = JobOption.withDefault(
            "event.blob-encoding",
            OptionType.choice(BlobEncoding.class),
            BlobEncoding.UTF8,
            "`utf8` (invalid UTF-8 is a data error) or `base64`");
    public static final JobOption<Integer> DELIVERY_MAX_CONCURRENCY = JobOption.withDefault(
            "delivery.max-concurrency",
            OptionType.integer(1, 1024),
            64,
            "invocations in flight at once per subtask (never more than one per shard)");
    public static final JobOption<Integer> DELIVERY_MAX_RECORDS_PER_SECOND = JobOption.optional(
            "delivery.max-records-per-second",
            OptionType.integer(1, 100_000_000),
            "unlimited",
            "records invoked per second by the whole job, e.g. to keep a backfill from `OLDEST` from flooding the function; divided fairly over the shards that have records to send, wherever they are held (a subtask with nothing to send leaves its part to the others); a throttled function (429) halves a subtask's rate, which then grows back by a tenth of its share per second");
    public static final JobOption<Integer> DELIVERY_MAX_BUFFERED_RECORDS = JobOption.withDefault(
            "delivery.max-buffered-records",
            OptionType.integer(1, 10_000_000),
            10_000,
            "records buffered per subtask; above it the operator applies backpressure");
    public static final JobOption<Integer> DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD = JobOption.optional(
            "delivery.max-buffered-records-per-shard",
            OptionType.integer(1, 10_000_000),
            "a fair share",
            "records one shard may hold; default `delivery.max-buffered-records` divided by the shards of the subtask. A shard that cannot move (retrying, suspended, waiting for its parents) keeps no more, never slows the others, and reads what it let go back from DataHub when it moves again");
    public static final JobOption<Long> DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD = JobOption.optional(
            "delivery.max-buffered-bytes-per-shard",
            OptionType.bytes(1024, 1L << 40),
            "2 × `batch.max-bytes`",
            "payload bytes one shard may hold, at least `batch.max-bytes`; like the records budget");

    /** In the order the README lists them. */
    public static List<JobOption<?>> all() {
        return List.of(
                BATCH_MAX_RECORDS,
                BATCH_MAX_BYTES,
                BATCH_MAX_WAIT,
                RETRY_INTERVAL,
                RETRY_MAX_ATTEMPTS,
                ON_EXHAUSTED,
                SUSPEND_PROBE_INTERVAL,
                DEAD_LETTER_TOPIC,
                EVENT_BLOB_ENCODING,
                DELIVERY_MAX_CONCURRENCY,
                DELIVERY_MAX_RECORDS_PER_SECOND,
                DELIVERY_MAX_BUFFERED_RECORDS,
                DELIVERY_MAX_BUFFERED_RECORDS_PER_SHARD,
                DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD);
    }

    /** A shard's bytes budget when {@code delivery.max-buffered-bytes-per-shard} is left out. */
    public static long defaultBufferedBytesPerShard(long batchMaxBytes) {
        return 2 * batchMaxBytes;
    }

    /** A shard must be able to hold one full batch. */
    public static Optional<String> bufferedBytesPerShardProblem(long bytesPerShard, long batchMaxBytes) {
        if (bytesPerShard >= batchMaxBytes) return Optional.empty();
        return Optional.of(DELIVERY_MAX_BUFFERED_BYTES_PER_SHARD.problem(
                Units.formatBytes(bytesPerShard),
                "must be at least batch.max-bytes (" + Units.formatBytes(batchMaxBytes) + ")"));
    }

    /**
     * The dead-letter topic goes with {@code on-exhausted=dead-letter} and nothing else, and is not
     * the source topic (failed events would be read again).
     *
     * @param deadLetterTopic null when not given
     */
    public static List<String> deadLetterProblems(
            OnExhausted onExhausted, String deadLetterTopic, String project, String sourceTopic) {
        List<String> problems = new ArrayList<>();
        if (onExhausted == OnExhausted.DEAD_LETTER && deadLetterTopic == null) {
            problems.add(DEAD_LETTER_TOPIC.problem(
                    "is required with on-exhausted=dead-letter (a BLOB topic in project " + project + ")"));
        }
        if (onExhausted != OnExhausted.DEAD_LETTER && deadLetterTopic != null) {
            problems.add(DEAD_LETTER_TOPIC.problem(
                    deadLetterTopic, "is only used with --on-exhausted dead-letter; remove it or set on-exhausted"));
        }
        if (deadLetterTopic != null && deadLetterTopic.equals(sourceTopic)) {
            problems.add(DEAD_LETTER_TOPIC.problem(
                    deadLetterTopic, "must not be the source topic (failed events would be read again)"));
        }
        return problems;
    }
}
