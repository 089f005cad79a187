package io.datahubfcsync.delivery;

import java.io.Serializable;

/** Writes dead letters; called from the delivery pool, one call per exhausted batch. */
interface DeadLetterWriter extends AutoCloseable {
    /** @throws Exception if the letter was not stored; the operator retries after {@code retry.interval} */
    void write(DeadLetter letter) throws Exception;

    @Override
    default void close() {}

    /** Creates the writer inside the task (SDK clients and credentials never travel in the job graph). */
    @FunctionalInterface
    interface Factory extends Serializable {
        DeadLetterWriter create();
    }
}
