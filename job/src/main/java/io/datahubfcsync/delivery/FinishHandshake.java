package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.FinishingAcknowledgedEvent;
import io.datahubfcsync.delivery.coordination.SubtaskFinishingEvent;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last exchange with the delivery coordinator when the input ended: an event that reaches a
 * task after it finished fails the job, so the subtask says it is finishing and goes on handling
 * its mailbox until the coordinator's acknowledgement arrives, which is the last event the
 * coordinator sends it. Should no acknowledgement come (the coordinator busy with a long
 * checkpoint), the subtask finishes after {@link #TIMEOUT_MS} anyway rather than hang.
 */
final class FinishHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(FinishHandshake.class);
    static final long TIMEOUT_MS = 60_000;

    private final String operatorName;
    private boolean acknowledged;
    private boolean timedOut;

    FinishHandshake(String operatorName) {
        this.operatorName = operatorName;
    }

    /**
     * Tells the coordinator and yields to the mailbox until it acknowledged (or the timeout passed).
     *
     * @param mailbox one that yields to every mail of the task: operator events are mails of the
     *     lowest priority
     */
    void finish(OperatorEventGateway coordinator, MailboxExecutor mailbox, ProcessingTimeService time)
            throws InterruptedException {
        coordinator.sendEventToCoordinator(new SubtaskFinishingEvent());
        long started = time.getCurrentProcessingTime();
        time.registerTimer(started + TIMEOUT_MS, firedAt -> timedOut = true);
        while (!acknowledged && !timedOut) mailbox.yield();
        if (!acknowledged)
            LOG.warn(
                    "{}: the coordinator did not acknowledge the end of input within {} ms; finishing anyway",
                    operatorName,
                    TIMEOUT_MS);
    }

    /** The coordinator's {@link FinishingAcknowledgedEvent} arrived. */
    void acknowledged() {
        acknowledged = true;
    }
}
