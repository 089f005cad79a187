package io.datahubfcsync.job;

/**
 * The job cannot start: bad parameters, missing credentials, or a start-up check against DataHub
 * or FC failed. The message is one paragraph for the person who submitted the job; the underlying
 * SDK exception, if any, is kept as the cause for the log but is never the headline.
 */
public final class JobStartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JobStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
