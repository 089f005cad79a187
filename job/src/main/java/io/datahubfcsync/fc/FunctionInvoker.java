package io.datahubfcsync.fc;

/**
 * Invokes one Function Compute function synchronously. One instance per subtask, shared by all
 * shards; implementations must be thread-safe because invocations of different shards run
 * concurrently on the delivery operator's pool.
 */
public interface FunctionInvoker extends AutoCloseable {

    /**
     * Sends one event and waits for the function's answer. Never throws for anything the service or
     * the network does: every outcome, including unexpected runtime exceptions from inside the SDK,
     * is classified into an {@link InvocationResult}.
     */
    InvocationResult invoke(byte[] event);

    @Override
    void close();
}
