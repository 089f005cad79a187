package io.datahubfcsync.cluster.testjob;

import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.ParameterTool;

/**
 * The smallest job that exercises what the harness must show on a real cluster: a checkpointed source whose position
 * survives savepoints and failovers, keyed state, custom metrics, and a main that rejects bad arguments. Packaged
 * into its own jar at test time by {@link io.datahubfcsync.cluster.TestJobJar}; it stands in until the product job
 * exists.
 */
public final class SequenceCountingJob {

    public static final String SOURCE_NAME = "sequence";
    public static final String COUNTING_NAME = "counting";
    /** 16 keys, so every subtask of parallelism 2 and 3 owns some (4 keys all hash to one subtask). */
    public static final int KEYS = 16;

    private static final Set<String> VALID_PARAMETERS = Set.of("rate");

    private SequenceCountingJob() {}

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        for (String key : params.toMap().keySet()) {
            if (!VALID_PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("Unknown parameter --" + key + "; valid: " + VALID_PARAMETERS);
            }
        }
        long ratePerSecond = params.getLong("rate", 50);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // values 0, 1, 2, ... in order from one reader: after a restore the first value shows where it resumed
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                index -> index, Long.MAX_VALUE, RateLimiterStrategy.perSecond(ratePerSecond), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME)
                .uid(SOURCE_NAME)
                .setParallelism(1)
                .keyBy(value -> value % KEYS)
                .process(new CountingFunction())
                .name(COUNTING_NAME)
                .uid(COUNTING_NAME)
                .sinkTo(new DiscardingSink<>())
                .name("discard")
                .uid("discard");
        env.execute("harness sequence counting");
    }
}
