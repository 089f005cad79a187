package io.datahubfcsync.bench;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.GetRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.TupleRecordData;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.testing.KitConnections;
import java.util.ArrayList;
import java.util.List;

/**
 * B1: end-to-end records/s of the job (DataHub emulator → job on a local Flink, parallelism 2 → FC
 * emulator answering at once) for 1, 4 and 16 shards of ~100-byte TUPLE records, against a
 * baseline: one thread with the same two SDKs reading a shard, building the same event and
 * invoking, 100 records at a time, shard after shard.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=ThroughputBenchmark}
 */
public final class ThroughputBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=ThroughputBenchmark";
    private static final int TOTAL_RECORDS = 100_000; // a window of a few seconds: steadier than a 1 s one

    public static void main(String[] args) throws Exception {
        BenchResults results =
                new BenchResults(BenchKit.resultsName("b1-throughput"), COMMAND + BenchKit.commandOption());
        for (int shards : new int[] {1, 4, 16}) {
            int perShard = TOTAL_RECORDS / shards;
            try (BenchKit kit = new BenchKit(shards)) {
                kit.preload(shards, perShard);
                kit.runBounded(2, (long) perShard * shards); // warm-up: JIT, SDK start-up
                double job = kit.runBounded(2, (long) perShard * shards);
                baseline(kit, shards, perShard); // warm-up as for the job: a fresh SDK client, its first connections
                double baseline = baseline(kit, shards, perShard);
                results.add("job records/s, " + shards + " shard(s)", job, "records/s", "");
                results.add("baseline records/s, " + shards + " shard(s)", baseline, "records/s", "");
                results.add(
                        "job / baseline, " + shards + " shard(s)",
                        job / baseline,
                        "ratio",
                        shards == 1 ? ">= 0.8" : shards == 16 ? "> 1.0" : "");
            }
        }
        results.write();
        System.exit(0);
    }

    /** The minimal loop: no Flink, no threads, the same SDKs and the same encoder. */
    static double baseline(BenchKit kit, int shards, int perShard) throws Exception {
        CredentialsSource credentials = KitConnections.testKeys();
        DatahubClient dh = KitConnections.dataHub(kit.datahub).createSdkClient();
        RecordSchema schema = dh.getTopic(BenchKit.PROJECT, BenchKit.TOPIC).getRecordSchema();
        EventEncoder encoder = new EventEncoder(BenchKit.PROJECT, BenchKit.TOPIC, kit.fc.region(), BlobEncoding.UTF8);
        try (FunctionInvoker fc = kit.fcConnection()
                .credentials(credentials)
                .build()
                .invokerFactory()
                .create()) {
            long delivered = 0;
            long start = System.nanoTime();
            for (int s = 0; s < shards; s++) {
                String shard = String.valueOf(s);
                String cursor = dh.getCursor(BenchKit.PROJECT, BenchKit.TOPIC, shard, CursorType.OLDEST)
                        .getCursor();
                while (true) {
                    GetRecordsResult r = dh.getRecords(BenchKit.PROJECT, BenchKit.TOPIC, shard, schema, cursor, 100);
                    if (r.getRecordCount() == 0) break;
                    List<ShardRecord> batch = new ArrayList<>(r.getRecordCount());
                    for (RecordEntry e : r.getRecords()) {
                        TupleRecordData d = (TupleRecordData) e.getRecordData();
                        String[] values = new String[schema.getFields().size()];
                        for (int i = 0; i < values.length; i++) {
                            Object v = d.getField(i);
                            values[i] = v == null ? null : v.toString();
                        }
                        batch.add(ShardRecord.tuple(shard, e.getSequence(), e.getSystemTime(), values));
                    }
                    EncodedEvent event = encoder.encode(batch, 100, 4L << 20);
                    InvocationResult result = fc.invoke(event.json());
                    if (!result.isSuccess()) throw new IllegalStateException("baseline invoke failed: " + result);
                    delivered += batch.size();
                    cursor = r.getNextCursor();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (delivered != (long) shards * perShard) {
                throw new IllegalStateException("baseline delivered " + delivered + " of " + shards * perShard);
            }
            return delivered / seconds;
        }
    }
}
