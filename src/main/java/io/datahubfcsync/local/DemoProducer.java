package io.datahubfcsync.local;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.TupleRecordData;
import io.datahubfcsync.datahub.DataHubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes demo orders to a TUPLE topic through the real DataHub SDK at a steady rate, spread over
 * the shards, as an application would. Runs on its own thread until {@link #close()}.
 */
final class DemoProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoProducer.class);

    /** The demo topic's schema: one field of each common type. */
    static RecordSchema schema() {
        RecordSchema s = new RecordSchema();
        s.addField(new Field("order_id", FieldType.BIGINT));
        s.addField(new Field("customer", FieldType.STRING));
        s.addField(new Field("amount", FieldType.DOUBLE));
        s.addField(new Field("paid", FieldType.BOOLEAN));
        s.addField(new Field("created_at", FieldType.TIMESTAMP));
        return s;
    }

    private static final String[] CUSTOMERS = {"alice", "bob", "carol", "dave", "eve", "李雷", "Zoë"};

    private final DatahubClient client;
    private final String project;
    private final String topic;
    private final List<String> shardIds;
    private final double recordsPerSecond;
    private final RecordSchema schema = schema();
    private final AtomicLong produced = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    DemoProducer(DataHubConnection connection, String project, String topic, List<String> shardIds,
                 double recordsPerSecond) {
        this.client = connection.createSdkClient();
        this.project = project;
        this.topic = topic;
        this.shardIds = List.copyOf(shardIds);
        this.recordsPerSecond = recordsPerSecond;
        this.thread = new Thread(this::run, "demo-producer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    long produced() {
        return produced.get();
    }

    private void run() {
        long started = System.nanoTime();
        long orderId = 0;
        while (running) {
            // write in small batches, paced so that the average rate holds
            long due = (long) ((System.nanoTime() - started) / 1e9 * recordsPerSecond) - produced.get();
            if (due <= 0) {
                parkMillis(20);
                continue;
            }
            List<RecordEntry> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(due, 500); i++) {
                batch.add(order(orderId++));
            }
            try {
                PutRecordsResult result = client.putRecords(project, topic, batch);
                produced.addAndGet(batch.size() - result.getFailedRecordCount());
            } catch (RuntimeException e) {
                LOG.warn("demo producer: putRecords failed ({}); retrying", e.getMessage());
                parkMillis(500);
            }
        }
    }

    private RecordEntry order(long orderId) {
        TupleRecordData data = new TupleRecordData(schema);
        data.setField("order_id", orderId);
        data.setField("customer", CUSTOMERS[(int) (orderId % CUSTOMERS.length)]);
        data.setField("amount", Math.round(orderId * 1.37 % 500 * 100) / 100.0);
        data.setField("paid", orderId % 3 != 0);
        data.setField("created_at", System.currentTimeMillis() * 1000L);
        RecordEntry entry = new RecordEntry();
        entry.setShardId(shardIds.get((int) (orderId % shardIds.size())));
        entry.setRecordData(data);
        return entry;
    }

    private static void parkMillis(long ms) {
        java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
