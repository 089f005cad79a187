package io.datahubfcsync.fc;

import java.util.Objects;

/** Creates one FC 3.0 invoker per subtask from a serializable {@link FcConnection}. */
public final class Fc3FunctionInvokerFactory implements FunctionInvokerFactory {
    private static final long serialVersionUID = 1L;

    private final FcConnection connection;

    public Fc3FunctionInvokerFactory(FcConnection connection) {
        this.connection = Objects.requireNonNull(connection);
    }

    @Override
    public FunctionInvoker create() {
        return new Fc3FunctionInvoker(connection);
    }

    @Override
    public String toString() {
        return "Fc3FunctionInvokerFactory{" + connection + '}';
    }
}
