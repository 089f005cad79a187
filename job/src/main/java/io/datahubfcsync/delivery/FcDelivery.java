package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Wires ordered delivery into a job: {@code keyBy(shardId)} → the delivery operator. */
public final class FcDelivery {
    /** Stable uid: savepoints map the delivery state back to the operator by it. */
    public static final String UID = "fc-delivery";

    private FcDelivery() {}

    /**
     * Adds the delivery operator, named {@code FC <service>/<function>} with uid {@value #UID}. It is
     * terminal (emits nothing); the returned handle is for parallelism or slot-sharing settings.
     */
    public static SingleOutputStreamOperator<Void> attach(
            DataStream<ShardRecord> records, DeliveryConfig config, FunctionInvokerFactory invokers) {
        return attach(records, config, invokers, (DataHubSourceConfig) null);
    }

    /**
     * As {@link #attach(DataStream, DeliveryConfig, FunctionInvokerFactory)}, with per-shard flow
     * control: a shard that cannot move keeps only its budget and reads what it let go back from
     * DataHub with {@code source}'s settings (null: no re-reading; every record is kept, and a full
     * buffer holds up the input).
     */
    public static SingleOutputStreamOperator<Void> attach(
            DataStream<ShardRecord> records,
            DeliveryConfig config,
            FunctionInvokerFactory invokers,
            DataHubSourceConfig source) {
        DeadLetterWriter.Factory deadLetters = config.onExhausted() == OnExhausted.DEAD_LETTER
                ? DataHubDeadLetterWriter.factory(
                        config.deadLetterConnection(), config.project(), config.deadLetterTopic())
                : null;
        return attach(records, config, invokers, deadLetters, source == null ? null : CatchUp.Readers.of(source));
    }

    static SingleOutputStreamOperator<Void> attach(
            DataStream<ShardRecord> records,
            DeliveryConfig config,
            FunctionInvokerFactory invokers,
            DeadLetterWriter.Factory deadLetters) {
        return attach(records, config, invokers, deadLetters, null);
    }

    static SingleOutputStreamOperator<Void> attach(
            DataStream<ShardRecord> records,
            DeliveryConfig config,
            FunctionInvokerFactory invokers,
            DeadLetterWriter.Factory deadLetters,
            CatchUp.Readers catchUp) {
        return records.keyBy(new ShardIdKey(), Types.STRING)
                .transform(
                        config.operatorName(),
                        Types.VOID,
                        new DeliveryOperatorFactory(config, invokers, deadLetters, catchUp))
                .uid(UID)
                .name(config.operatorName());
    }

    /** The shard id: every record of a shard goes to the same subtask, in the order the source read it. */
    static final class ShardIdKey implements KeySelector<ShardRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ShardRecord record) {
            return record.shardId;
        }
    }
}
