package io.datahubfcsync.cli;

/** A failure the shards command reports as one line, with the process exit code it ends with. */
final class ShardsException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Wrong arguments: the command line itself is at fault. */
    static final int USAGE = 2;
    /** The JobManager or the job could not answer the request (unreachable, no such job, not running, refused). */
    static final int UNAVAILABLE = 1;

    private final int exitCode;

    ShardsException(int exitCode, String line) {
        super(line);
        this.exitCode = exitCode;
    }

    ShardsException(int exitCode, String line, Throwable cause) {
        super(line, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
