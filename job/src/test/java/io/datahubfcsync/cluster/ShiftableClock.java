package io.datahubfcsync.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock plus an offset a test can move forward, for a DataHub emulator whose records should look older
 * than the test is long (a backlog of half an hour without waiting half an hour). Never moves backwards.
 */
final class ShiftableClock extends Clock {

    private final AtomicLong offsetMillis = new AtomicLong();

    /** From now on every reading is {@code by} later than it would have been. */
    void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock that goes backwards would reorder record times: " + by);
        }
        offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
