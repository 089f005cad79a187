package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.BlobRecordData;
import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.TupleRecordData;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes demo records to a topic through the real DataHub SDK at a steady rate, spread over the
 * shards by partition key: TUPLE records with a value for every field type (some NULLs where the
 * schema allows them), or BLOB records holding small JSON texts. For the local runner and tests.
 */
public final class DemoProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoProducer.class);
    private static final long TICK_MS = 100;
    private static final int PARTITION_KEYS = 16;

    private final DatahubClient client;
    private final String project;
    private final String topic;
    private final RecordSchema schema; // null for BLOB
    private final double recordsPerTick;
    private final ScheduledExecutorService timer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private double owed; // fractional records carried between ticks, so low rates still produce
    private long next;

    private DemoProducer(DatahubClient client, String project, String topic, double recordsPerSecond) {
        if (!(recordsPerSecond > 0)) {
            throw new IllegalArgumentException("recordsPerSecond must be > 0, was " + recordsPerSecond);
        }
        this.client = client;
        this.project = project;
        this.topic = topic;
        this.schema = client.getTopic(project, topic).getRecordSchema(); // fails fast on a wrong topic or key
        this.recordsPerTick = recordsPerSecond * TICK_MS / 1000.0;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-producer-" + project + "/" + topic);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts writing to {@code project/topic} at about {@code recordsPerSecond} through {@code client},
     * an SDK client the caller built (and keeps owning: the producer never closes it).
     */
    public static DemoProducer start(DatahubClient client, String project, String topic, double recordsPerSecond) {
        return new DemoProducer(client, project, topic, recordsPerSecond);
    }

    /** Records the service accepted so far. */
    public long written() {
        return written.get();
    }

    /** Records that were refused or whose request failed (logged, then skipped). */
    public long failed() {
        return failed.get();
    }

    private void tick() {
        owed += recordsPerTick;
        int n = (int) Math.min(owed, 1000);
        if (n == 0) return;
        owed -= n;
        List<RecordEntry> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) batch.add(record(next++));
        try {
            PutRecordsResult r = client.putRecords(project, topic, batch);
            written.addAndGet(n - r.getFailedRecordCount());
            if (r.getFailedRecordCount() > 0) {
                failed.addAndGet(r.getFailedRecordCount());
                LOG.warn(
                        "Demo producer: {} of {} records refused by {}/{}, first: {}",
                        r.getFailedRecordCount(),
                        n,
                        project,
                        topic,
                        r.getPutErrorEntries().get(0).getMessage());
            }
        } catch (RuntimeException e) {
            failed.addAndGet(n);
            LOG.warn("Demo producer: putRecords to {}/{} failed: {}", project, topic, e.getMessage());
        }
    }

    private RecordEntry record(long n) {
        RecordEntry e = new RecordEntry();
        e.setPartitionKey("key-" + (n % PARTITION_KEYS));
        e.addAttribute("producer", "demo");
        if (schema == null) {
            String json = "{\"n\":" + n + ",\"at\":" + System.currentTimeMillis() + "}";
            e.setRecordData(new BlobRecordData(json.getBytes(StandardCharsets.UTF_8)));
            return e;
        }
        TupleRecordData data = new TupleRecordData(schema);
        for (int i = 0; i < schema.getFields().size(); i++) {
            Field f = schema.getField(i);
            boolean makeNull = f.isAllowNull() && n % 10 == 9;
            data.setField(i, makeNull ? null : value(f, n));
        }
        e.setRecordData(data);
        return e;
    }

    private static Object value(Field f, long n) {
        switch (f.getType()) {
            case BIGINT:
                return n;
            case INTEGER:
                return (int) (n % 1_000_000);
            case SMALLINT:
                return (short) (n % 1000);
            case TINYINT:
                return (byte) (n % 100);
            case DOUBLE:
                return n * 0.5;
            case FLOAT:
                return (float) (n % 1000) * 0.25f;
            case DECIMAL:
                return BigDecimal.valueOf(n).add(new BigDecimal("0.01"));
            case BOOLEAN:
                return n % 2 == 0;
            case TIMESTAMP:
                return System.currentTimeMillis() * 1000;
            case STRING:
            default:
                return "event-" + n;
        }
    }

    @Override
    public void close() {
        // Let a batch in flight finish (interrupting it would count it as failed), then stop ticking.
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) timer.shutdownNow();
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DemoProducer{" + project + "/" + topic + ", written=" + written + ", failed=" + failed + '}';
    }
}
