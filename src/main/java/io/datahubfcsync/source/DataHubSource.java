package io.datahubfcsync.source;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.enumerator.DataHubSplitEnumerator;
import io.datahubfcsync.source.enumerator.EnumeratorState;
import io.datahubfcsync.source.enumerator.EnumeratorStateSerializer;
import io.datahubfcsync.source.reader.DataHubSourceReader;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.split.ShardSplitSerializer;
import java.util.Objects;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * FLIP-27 source over every shard of one DataHub topic: one split per shard, each read strictly in
 * sequence order, children only after their parents were read to the end, positions in Flink
 * checkpoints. Bounded when a stop time is configured, unbounded otherwise.
 *
 * <pre>{@code
 * env.fromSource(new DataHubSource(config), WatermarkStrategy.noWatermarks(), "DataHub source p/t")
 *    .uid("datahub-source")
 * }</pre>
 */
public final class DataHubSource implements Source<ShardRecord, ShardSplit, EnumeratorState> {
    private static final long serialVersionUID = 1L;

    private final DataHubSourceConfig config;

    public DataHubSource(DataHubSourceConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public DataHubSourceConfig config() {
        return config;
    }

    @Override
    public Boundedness getBoundedness() {
        return config.stopAtMs().isPresent() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<ShardSplit, EnumeratorState> createEnumerator(SplitEnumeratorContext<ShardSplit> context) {
        return new DataHubSplitEnumerator(context, config, EnumeratorState.initial());
    }

    @Override
    public SplitEnumerator<ShardSplit, EnumeratorState> restoreEnumerator(SplitEnumeratorContext<ShardSplit> context,
                                                                         EnumeratorState checkpoint) {
        return new DataHubSplitEnumerator(context, config, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
        return ShardSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<EnumeratorState> getEnumeratorCheckpointSerializer() {
        return EnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public SourceReader<ShardRecord, ShardSplit> createReader(SourceReaderContext readerContext) {
        return DataHubSourceReader.create(config, readerContext);
    }
}
