package io.datahubfcsync.local.datahub;

/** What an injected fault does to one call. */
public enum DataHubFault {
    /** HTTP 429 {@code LimitExceeded}: the SDK throws {@code LimitExceededException}. */
    LIMIT_EXCEEDED,
    /** HTTP 500 {@code InternalServerError}: the SDK throws a plain {@code DatahubClientException}. */
    INTERNAL_SERVER_ERROR,
    /** The connection is closed without any response: the SDK sees an I/O error (httpStatus 5001). */
    DROP_CONNECTION
}
