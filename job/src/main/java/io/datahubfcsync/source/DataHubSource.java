package io.datahubfcsync.source;

import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.ResolvedStart;
import io.datahubfcsync.source.enumerator.DataHubSplitEnumerator;
import io.datahubfcsync.source.enumerator.EnumeratorState;
import io.datahubfcsync.source.enumerator.EnumeratorStateSerializer;
import io.datahubfcsync.source.enumerator.StartPositionResolver;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(DataHubSource.class);

    private static final int START_RESOLUTION_ATTEMPTS = 10;

    private final DataHubSourceConfig config;

    /**
     * Built on the client, before the job is submitted: unless the config carries one already, the
     * start is resolved here, once, per shard (a DataHub call per shard), and travels in the job
     * graph, so that every attempt of the job without a checkpoint to restore starts at the same
     * positions.
     */
    public DataHubSource(DataHubSourceConfig config) {
        Objects.requireNonNull(config, "config");
        this.config = config.resolvedStart() != null ? config : config.withResolvedStart(resolveStart(config));
    }

    /** Transient DataHub errors (throttling, 5xx, network) are retried for about half a minute. */
    private static ResolvedStart resolveStart(DataHubSourceConfig config) {
        long pauseMs = 200;
        for (int attempt = 1; ; attempt++) {
            try (DataHubClient client = config.clientFactory().create()) {
                ResolvedStart resolved = StartPositionResolver.resolve(client, config.startPosition());
                LOG.info("Start of {}/{}: {}", config.project(), config.topic(), resolved);
                return resolved;
            } catch (DataHubRetryableException e) {
                if (attempt >= START_RESOLUTION_ATTEMPTS) throw e;
                LOG.warn(
                        "Resolving the start of {}/{} failed (attempt {}), retrying in {} ms: {}",
                        config.project(),
                        config.topic(),
                        attempt,
                        pauseMs,
                        e.getMessage());
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pauseMs = Math.min(5_000, pauseMs * 2);
            }
        }
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
    public SplitEnumerator<ShardSplit, EnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ShardSplit> context, EnumeratorState checkpoint) {
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
