package io.datahubfcsync.local.datahub;

/**
 * An error the emulator answers with, in DataHub's shape: HTTP status plus {@code ErrorCode} and
 * {@code ErrorMessage}. The SDK maps the code (never the status) to its typed exceptions.
 */
final class ServiceError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int httpStatus;
    final String errorCode;

    ServiceError(int httpStatus, String errorCode, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    static ServiceError invalidParameter(String message) {
        return new ServiceError(400, "InvalidParameter", message);
    }

    static ServiceError invalidCursor(String message) {
        return new ServiceError(400, "InvalidCursor", message);
    }

    static ServiceError seekOutOfRange(String message) {
        return new ServiceError(400, "SeekOutOfRange", message);
    }

    static ServiceError shardNotActive() {
        return new ServiceError(400, "InvalidShardOperation", "The specified shard is not active.");
    }

    static ServiceError malformedRecord(String message) {
        return new ServiceError(400, "MalformedRecord", message);
    }

    static ServiceError unauthorized(String message) {
        return new ServiceError(401, "Unauthorized", message);
    }

    static ServiceError noSuchProject(String project) {
        return new ServiceError(404, "NoSuchProject", "The specified project '" + project + "' does not exist.");
    }

    static ServiceError noSuchTopic(String project, String topic) {
        return new ServiceError(
                404, "NoSuchTopic", "The specified topic '" + topic + "' does not exist in project '" + project + "'.");
    }

    static ServiceError noSuchShard(String shardId) {
        return new ServiceError(404, "NoSuchShard", "The specified shard '" + shardId + "' does not exist.");
    }

    static ServiceError alreadyExists(String code, String message) {
        return new ServiceError(409, code, message);
    }

    static ServiceError limitExceeded(String message) {
        return new ServiceError(429, "LimitExceeded", message);
    }

    static ServiceError internal(String message) {
        return new ServiceError(500, "InternalServerError", message);
    }
}
