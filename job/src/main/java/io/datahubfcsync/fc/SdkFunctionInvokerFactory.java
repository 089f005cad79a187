package io.datahubfcsync.fc;

import java.util.Objects;

/** Creates one SDK-backed invoker per subtask from a serializable {@link FcConnection}. */
public final class SdkFunctionInvokerFactory implements FunctionInvokerFactory {
    private static final long serialVersionUID = 1L;

    private final FcConnection connection;

    public SdkFunctionInvokerFactory(FcConnection connection) {
        this.connection = Objects.requireNonNull(connection);
    }

    @Override
    public FunctionInvoker create() {
        JdkHttpSettings.apply(); // effective only if this JVM has opened no HTTP URL connection yet
        return new SdkFunctionInvoker(connection);
    }

    @Override
    public String toString() {
        return "SdkFunctionInvokerFactory{" + connection + '}';
    }
}
