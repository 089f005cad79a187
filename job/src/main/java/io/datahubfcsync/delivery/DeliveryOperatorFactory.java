package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.DeliveryCoordinator;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEventDispatcher;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates {@link DeliveryOperator}s with the task's mailbox executor (the operator never blocks) and
 * connected to their {@link DeliveryCoordinator} on the JobManager.
 */
final class DeliveryOperatorFactory extends AbstractStreamOperatorFactory<Void>
        implements OneInputStreamOperatorFactory<ShardRecord, Void>, CoordinatedOperatorFactory<Void> {
    private static final long serialVersionUID = 1L;

    private final DeliveryConfig config;
    private final FunctionInvokerFactory invokers;
    private final DeadLetterWriter.Factory deadLetters;
    private final CatchUp.Readers catchUpReaders;

    DeliveryOperatorFactory(
            DeliveryConfig config, FunctionInvokerFactory invokers, DeadLetterWriter.Factory deadLetters) {
        this(config, invokers, deadLetters, null);
    }

    DeliveryOperatorFactory(
            DeliveryConfig config,
            FunctionInvokerFactory invokers,
            DeadLetterWriter.Factory deadLetters,
            CatchUp.Readers catchUpReaders) {
        this.config = config;
        this.invokers = invokers;
        this.deadLetters = deadLetters;
        this.catchUpReaders = catchUpReaders;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<Void>> T createStreamOperator(StreamOperatorParameters<Void> parameters) {
        DeliveryOperator operator = new DeliveryOperator(parameters, config, invokers, deadLetters, catchUpReaders);
        OperatorID id = parameters.getStreamConfig().getOperatorID();
        OperatorEventDispatcher events = parameters.getOperatorEventDispatcher();
        operator.setCoordinatorGateway(events.getOperatorEventGateway(id));
        events.registerEventHandler(id, operator);
        return (T) operator;
    }

    @Override
    public OperatorCoordinator.Provider getCoordinatorProvider(String operatorName, OperatorID operatorID) {
        return new DeliveryCoordinator.Provider(operatorID, operatorName, config.maxRecordsPerSecond());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return DeliveryOperator.class;
    }
}
