package io.datahubfcsync.source.config;

import io.datahubfcsync.option.JobOption;
import io.datahubfcsync.option.OptionType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The job parameters of the DataHub source: where reading starts and stops, how shards are listed
 * and read, and what happens when records expire first. {@link DataHubSourceConfig}'s defaults are
 * these options' defaults.
 */
public final class SourceOptions {
    private SourceOptions() {}

    /** DataHub answers at most this many records per GetRecords call. */
    public static final int MAX_FETCH_RECORDS = 1000;

    public static final JobOption<StartPosition> START = JobOption.withDefault(
            "start",
            OptionType.of("`OLDEST`, `LATEST`, an instant, epoch ms", StartPosition::toString, SourceOptions::start),
            StartPosition.latest(),
            "`OLDEST`, `LATEST`, an ISO-8601 instant or epoch ms: where to start. Resolved once, when the job is submitted, to per-shard sequences that every attempt without a checkpoint starts from");
    public static final JobOption<Long> STOP = JobOption.optional(
            "stop",
            OptionType.of(
                    "an instant, epoch ms",
                    ms -> Instant.ofEpochMilli(ms).toString(),
                    text -> epochMs(
                            text, "is not an ISO-8601 instant (e.g. 2026-11-21T08:00:00Z) or epoch milliseconds")),
            "none",
            "optional end time (ISO-8601 or epoch ms): the job finishes when every shard has passed it (backfill)");
    public static final JobOption<OnExpiredPosition> DATAHUB_ON_EXPIRED_POSITION = JobOption.withDefault(
            "datahub.on-expired-position",
            OptionType.choice(OnExpiredPosition.class),
            OnExpiredPosition.FAIL,
            "`fail` (the job fails without restarting, naming shard and lost range) or `oldest` (go on from the oldest retained record; counted in `expiredRecordsSkipped`): what to do when records the job still had to read expired from DataHub");
    public static final JobOption<Duration> DATAHUB_SHARD_DISCOVERY_INTERVAL = JobOption.withDefault(
            "datahub.shard-discovery-interval",
            OptionType.duration(Duration.ofMillis(100), Duration.ofHours(1)),
            Duration.ofSeconds(10),
            "how often shards are listed");
    public static final JobOption<Integer> DATAHUB_FETCH_MAX_RECORDS = JobOption.withDefault(
            "datahub.fetch-max-records",
            OptionType.integer(1, MAX_FETCH_RECORDS),
            MAX_FETCH_RECORDS,
            "records per GetRecords call");
    public static final JobOption<Integer> DATAHUB_FETCH_CONCURRENCY = JobOption.withDefault(
            "datahub.fetch-concurrency",
            OptionType.integer(1, 64),
            8,
            "GetRecords calls in flight at once per source subtask (never more than one per shard)");

    /** {@code start} and {@code stop}, in the order the README lists them. */
    public static List<JobOption<?>> startAndStop() {
        return List.of(START, STOP);
    }

    /** The {@code datahub.*} options of the source, in the order the README lists them. */
    public static List<JobOption<?>> reading() {
        return List.of(
                DATAHUB_ON_EXPIRED_POSITION,
                DATAHUB_SHARD_DISCOVERY_INTERVAL,
                DATAHUB_FETCH_MAX_RECORDS,
                DATAHUB_FETCH_CONCURRENCY);
    }

    /** A stop time must come after a start time. */
    public static Optional<String> stopProblem(StartPosition start, long stopMs) {
        if (start.kind() != StartPosition.Kind.TIMESTAMP || stopMs > start.timestampMs()) return Optional.empty();
        return Optional.of(STOP.problem(
                Instant.ofEpochMilli(stopMs).toString(),
                "must be after start (" + Instant.ofEpochMilli(start.timestampMs()) + ")"));
    }

    private static StartPosition start(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        if (upper.equals("OLDEST")) return StartPosition.oldest();
        if (upper.equals("LATEST")) return StartPosition.latest();
        return StartPosition.timestamp(epochMs(
                text, "is not OLDEST, LATEST, an ISO-8601 instant (e.g. 2026-11-21T08:00:00Z) or epoch milliseconds"));
    }

    /** Epoch milliseconds or an ISO-8601 instant, at most a year ahead (a guard against microseconds). */
    private static long epochMs(String text, String notATime) {
        long ms;
        if (text.matches("\\d{1,18}")) {
            ms = Long.parseLong(text);
        } else {
            try {
                ms = Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(notATime);
            }
        }
        if (ms > System.currentTimeMillis() + Duration.ofDays(366).toMillis()) {
            throw new IllegalArgumentException(
                    "is more than a year in the future; epoch values are milliseconds, not microseconds");
        }
        return ms;
    }
}
