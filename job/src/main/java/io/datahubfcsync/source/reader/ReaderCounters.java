package io.datahubfcsync.source.reader;

import io.datahubfcsync.metrics.MetricNames;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * Reader-wide counters, incremented from the fetcher thread (hence thread-safe counters) and shown
 * in the reader's metric group.
 */
public final class ReaderCounters {
    /** Counters that are shown nowhere, for a reader outside the source (e.g. catch-up without metrics). */
    public static ReaderCounters unregistered() {
        return new ReaderCounters();
    }

    /** DataHub calls that failed transiently (throttling, 5xx, network) and were retried. */
    final Counter retriedCalls = new ThreadSafeSimpleCounter();
    /** Of those, throttled by DataHub (LimitExceeded). */
    final Counter throttledCalls = new ThreadSafeSimpleCounter();
    /** Positions that had expired and were continued from OLDEST (datahub.on-expired-position=oldest). */
    final Counter expiredPositionResets = new ThreadSafeSimpleCounter();
    /** Records skipped because they expired before this job read them (datahub.on-expired-position=oldest). */
    final Counter expiredRecordsSkipped = new ThreadSafeSimpleCounter();
    /** DataHub calls refused for the credentials (rejected key, expired token, no permission), retried within the grace. */
    final Counter credentialFailures = new ThreadSafeSimpleCounter();

    public static ReaderCounters register(MetricGroup group) {
        ReaderCounters c = new ReaderCounters();
        group.counter(MetricNames.SourceReader.DATAHUB_RETRIES, c.retriedCalls);
        group.counter(MetricNames.SourceReader.DATAHUB_THROTTLED, c.throttledCalls);
        group.counter(MetricNames.SourceReader.EXPIRED_POSITION_RESETS, c.expiredPositionResets);
        group.counter(MetricNames.SourceReader.EXPIRED_RECORDS_SKIPPED, c.expiredRecordsSkipped);
        group.counter(MetricNames.SourceReader.CREDENTIAL_FAILURES, c.credentialFailures);
        return c;
    }

    public long retriedCalls() {
        return retriedCalls.getCount();
    }

    public long throttledCalls() {
        return throttledCalls.getCount();
    }

    public long expiredPositionResets() {
        return expiredPositionResets.getCount();
    }

    public long expiredRecordsSkipped() {
        return expiredRecordsSkipped.getCount();
    }

    public long credentialFailures() {
        return credentialFailures.getCount();
    }
}
