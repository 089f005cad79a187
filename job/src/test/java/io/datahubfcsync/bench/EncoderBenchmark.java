package io.datahubfcsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * B3: ns per record to encode 100-record events — a 10-field TUPLE and a 1 KiB BLOB — with the
 * project's streaming {@link EventEncoder}, against a plain Jackson {@code ObjectMapper} tree built
 * per event.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=EncoderBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class EncoderBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=EncoderBenchmark";
    private static final int RECORDS = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private List<ShardRecord> tuples;
    private List<ShardRecord> blobs;
    private EventEncoder encoder;

    @Setup
    public void setUp() {
        tuples = new ArrayList<>();
        blobs = new ArrayList<>();
        byte[] kib = new byte[1024];
        for (int i = 0; i < kib.length; i++) kib[i] = (byte) ('a' + i % 26);
        for (int i = 0; i < RECORDS; i++) {
            String[] v = new String[10];
            v[0] = String.valueOf(1_000_000L + i);
            v[1] = "customer-" + i;
            v[2] = String.valueOf(i * 1.25);
            v[3] = String.valueOf(i % 2 == 0);
            v[4] = String.valueOf(1_700_000_000_000_000L + i);
            v[5] = i % 7 == 0 ? null : "Hangzhou \"West Lake\" district";
            v[6] = String.valueOf(i % 128);
            v[7] = "note with unicode 李雷 " + i;
            v[8] = String.valueOf(i * 31);
            v[9] = "x";
            tuples.add(ShardRecord.tuple("0", 1000 + i, 1_700_000_000_000L + i, v));
            blobs.add(ShardRecord.blob("0", 1000 + i, 1_700_000_000_000L + i, kib));
        }
        encoder = new EventEncoder("project", "topic", "cn-hangzhou", BlobEncoding.UTF8);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] tupleStreaming() throws Exception {
        return encoder.encode(tuples, RECORDS, 32L << 20).json();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] tupleTreeBaseline() throws Exception {
        ObjectNode event = header();
        ArrayNode records = event.putArray("records");
        for (ShardRecord r : tuples) {
            ObjectNode rec = records.addObject();
            rec.put("eventId", r.shardId + ":" + r.sequence);
            rec.put("systemTime", r.systemTime);
            ArrayNode data = MAPPER.createArrayNode();
            for (String v : r.tuple) data.add(v);
            rec.put("data", MAPPER.writeValueAsString(data));
        }
        return MAPPER.writeValueAsBytes(event);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] blobStreaming() throws Exception {
        return encoder.encode(blobs, RECORDS, 32L << 20).json();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] blobTreeBaseline() throws Exception {
        ObjectNode event = header();
        ArrayNode records = event.putArray("records");
        for (ShardRecord r : blobs) {
            ObjectNode rec = records.addObject();
            rec.put("eventId", r.shardId + ":" + r.sequence);
            rec.put("systemTime", r.systemTime);
            rec.put("data", new String(r.blob, StandardCharsets.UTF_8));
        }
        return MAPPER.writeValueAsBytes(event);
    }

    private static ObjectNode header() {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("eventSource", "acs:datahub");
        event.put("eventName", "acs:datahub:putRecord");
        event.put("eventSourceARN", "/projects/project/topics/topic");
        event.put("region", "cn-hangzhou");
        return event;
    }

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b3-encoder", COMMAND);
        java.util.Map<String, Double> score = new java.util.HashMap<>();
        for (RunResult r : new Runner(new OptionsBuilder()
                        .include(EncoderBenchmark.class.getName() + "\\.")
                        .build())
                .run()) {
            String name = r.getParams().getBenchmark();
            score.put(
                    name.substring(name.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore());
        }
        results.add("TUPLE (10 fields) streaming encoder", score.get("tupleStreaming"), "ns/record", "< 1000");
        results.add("TUPLE (10 fields) ObjectMapper tree baseline", score.get("tupleTreeBaseline"), "ns/record", "");
        results.add(
                "TUPLE speed-up over the tree baseline",
                score.get("tupleTreeBaseline") / score.get("tupleStreaming"),
                "x",
                ">= 2");
        results.add("BLOB (1 KiB) streaming encoder", score.get("blobStreaming"), "ns/record", "");
        results.add("BLOB (1 KiB) ObjectMapper tree baseline", score.get("blobTreeBaseline"), "ns/record", "");
        results.add(
                "BLOB speed-up over the tree baseline",
                score.get("blobTreeBaseline") / score.get("blobStreaming"),
                "x",
                ">= 2");
        results.write();
    }
}
