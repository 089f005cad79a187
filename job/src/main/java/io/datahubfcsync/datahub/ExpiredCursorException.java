package io.datahubfcsync.datahub;

/**
 * DataHub no longer accepts the cursor (DataHub's {@code InvalidCursor}). Cursors are only a
 * session handle: the reader re-seeks from the sequence it holds.
 */
public final class ExpiredCursorException extends DataHubException {
    private static final long serialVersionUID = 1L;

    public ExpiredCursorException(String message, Throwable cause) {
        super(message, cause);
    }
}
