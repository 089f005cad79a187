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
        JdkHttpSettings.apply(); // before the JDK's HTTP classes read them, i.e. before the first call
        return new SdkFunctionInvoker(connection);
    }

    @Override
    public String toString() {
        return "SdkFunctionInvokerFactory{" + connection + '}';
    }
}
