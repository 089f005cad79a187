package io.datahubfcsync.fc;

import java.io.Serializable;

/**
 * Builds the {@link FunctionInvoker} inside the task (SDK clients are not serializable, and the
 * credentials must be read on the TaskManager, never shipped in the job graph).
 */
@FunctionalInterface
public interface FunctionInvokerFactory extends Serializable {
    FunctionInvoker create();
}
