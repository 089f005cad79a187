package io.datahubfcsync.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock only the test moves, so system times and time-based cursors come out exact. */
public final class ManualClock extends Clock {
    private final AtomicLong millis;

    public ManualClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    /** Moves the clock on by {@code ms}. @return the new time */
    public long advance(long ms) {
        return millis.addAndGet(ms);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
