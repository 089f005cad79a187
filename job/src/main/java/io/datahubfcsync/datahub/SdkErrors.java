package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.exception.AuthorizationFailureException;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.ExpiredAccessTokenException;
import com.aliyun.datahub.client.exception.InvalidParameterException;
import com.aliyun.datahub.client.exception.LimitExceededException;
import com.aliyun.datahub.client.exception.MalformedRecordException;
import com.aliyun.datahub.client.exception.NoPermissionException;
import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import com.aliyun.datahub.client.exception.ResourceOfflineException;
import com.aliyun.datahub.client.exception.SeekOutOfRangeException;
import com.aliyun.datahub.client.exception.SubscriptionOfflineException;
import com.aliyun.datahub.client.exception.SubscriptionOffsetResetException;
import com.aliyun.datahub.client.exception.SubscriptionSessionInvalidException;
import io.datahubfcsync.credentials.CredentialsSource.MissingCredentialsException;
import io.datahubfcsync.datahub.DataHubFatalException.Reason;
import io.datahubfcsync.datahub.DataHubRetryableException.Kind;

/**
 * Maps the SDK's exceptions to {@link DataHubException} subtypes. The SDK maps by DataHub's
 * {@code ErrorCode}, never by HTTP status, so this does the same and only looks at the status for
 * errors without a code (5xx bodies that are not JSON, network failures).
 */
final class SdkErrors {
    /** The SDK's status for client-side and network failures. */
    private static final int SDK_CLIENT_ERROR_STATUS = 5001;

    private SdkErrors() {}

    /**
     * @param what the call and its target, e.g. {@code "getRecords on p/t shard 3"}, used as the
     *             message headline
     */
    static DataHubException map(RuntimeException e, String what) {
        MissingCredentialsException missing = findCause(e, MissingCredentialsException.class);
        if (missing != null) {
            return new DataHubAuthException(
                    DataHubAuthException.Reason.CREDENTIALS_MISSING, what + " failed: " + missing.getMessage(), e);
        }
        if (!(e instanceof DatahubClientException sdk)) {
            return new DataHubRetryableException(Kind.NETWORK, what + " failed: " + e, e);
        }
        String detail = describe(sdk);
        if (sdk instanceof com.aliyun.datahub.client.exception.ShardSealedException) {
            return new ShardSealedException(what + ": shard is CLOSED and fully read (" + detail + ")", e);
        }
        if (sdk instanceof SubscriptionSessionInvalidException) {
            return new SubscriptionStateException(
                    SubscriptionStateException.Reason.SESSION_TAKEN_OVER,
                    what + ": another consumer holds the session (" + detail + ")",
                    e);
        }
        if (sdk instanceof SubscriptionOffsetResetException) {
            return new SubscriptionStateException(
                    SubscriptionStateException.Reason.OFFSET_RESET,
                    what + ": the offset was reset after the session was opened (" + detail + ")",
                    e);
        }
        if (sdk instanceof SubscriptionOfflineException) {
            return new SubscriptionStateException(
                    SubscriptionStateException.Reason.OFFLINE,
                    what + ": the subscription is OFFLINE (" + detail + ")",
                    e);
        }
        if (sdk instanceof SeekOutOfRangeException) {
            return new PositionOutOfRangeException(what + ": position not retained (" + detail + ")", e);
        }
        if (sdk instanceof com.aliyun.datahub.client.exception.ShardNotFoundException) {
            return new ShardNotFoundException(what + ": shard not found (" + detail + ")", e);
        }
        if (sdk instanceof InvalidParameterException) {
            if ("InvalidCursor".equalsIgnoreCase(sdk.getErrorCode())) {
                return new ExpiredCursorException(what + ": cursor rejected (" + detail + ")", e);
            }
            return new DataHubFatalException(Reason.INVALID_REQUEST, what + " rejected: " + detail, e);
        }
        if (sdk instanceof ResourceNotFoundException) {
            String code = sdk.getErrorCode() == null ? "" : sdk.getErrorCode();
            if (code.equalsIgnoreCase("NoSuchProject") || code.equalsIgnoreCase("NoSuchTopic")) {
                return new DataHubFatalException(
                        Reason.PROJECT_OR_TOPIC_NOT_FOUND,
                        what
                                + " failed: the project or topic does not exist (" + detail
                                + "). Check datahub.project, datahub.topic and datahub.endpoint (region).",
                        e);
            }
            // ResourceNotFound without a NoSuch* code is what DataHub answers for a shard that is
            // briefly unknown right after a split or merge.
            return new ShardNotFoundException(what + ": resource not found (" + detail + ")", e);
        }
        if (sdk instanceof AuthorizationFailureException || isCredentialCode(sdk.getErrorCode())) {
            return new DataHubAuthException(
                    DataHubAuthException.Reason.CREDENTIALS_REJECTED,
                    what
                            + " failed: DataHub rejected the credentials (" + detail + "). Check the access key id and"
                            + " secret (and the STS token) where the job takes them from.",
                    e);
        }
        if (sdk instanceof ExpiredAccessTokenException) {
            return new DataHubAuthException(
                    DataHubAuthException.Reason.TOKEN_EXPIRED,
                    what
                            + " failed: the STS token has expired (" + detail
                            + "); the credential source must hand out a"
                            + " fresh one.",
                    e);
        }
        if (sdk instanceof NoPermissionException) {
            return new DataHubAuthException(
                    DataHubAuthException.Reason.PERMISSION_DENIED,
                    what
                            + " failed: the access key has no permission (" + detail + "). Grant the RAM user DataHub "
                            + "read access (GetTopic, ListShard, GetCursor, GetRecords) on the topic.",
                    e);
        }
        if (sdk instanceof MalformedRecordException) {
            return new DataHubFatalException(
                    Reason.MALFORMED_RECORD,
                    what + " returned a record that does not match the topic schema (" + detail + ")",
                    e);
        }
        if (sdk instanceof LimitExceededException) {
            return new DataHubRetryableException(Kind.THROTTLED, what + " throttled (" + detail + ")", e);
        }
        if (sdk instanceof ResourceOfflineException) {
            return new DataHubRetryableException(Kind.TEMPORARILY_UNAVAILABLE, what + " failed (" + detail + ")", e);
        }
        if (sdk.getErrorCode() == null && sdk.getHttpStatus() == SDK_CLIENT_ERROR_STATUS) {
            return new DataHubRetryableException(Kind.NETWORK, what + " failed: network error (" + detail + ")", e);
        }
        if (sdk.getErrorCode() == null || sdk.getHttpStatus() >= 500) {
            return new DataHubRetryableException(Kind.SERVER_ERROR, what + " failed: server error (" + detail + ")", e);
        }
        return new DataHubFatalException(Reason.INVALID_REQUEST, what + " failed: " + detail, e);
    }

    /**
     * A record PutRecords refused while the call itself succeeded; DataHub reports these per record,
     * with an error code but no exception.
     */
    static DataHubException refusedRecord(String code, String message, String what) {
        String detail = code == null ? "no reason given" : code + ": " + message;
        String text = what + ": DataHub refused the record (" + detail + ")";
        if (code == null) {
            return new DataHubFatalException(Reason.INVALID_REQUEST, text, null);
        }
        return switch (code) {
            case "LimitExceeded" -> new DataHubRetryableException(Kind.THROTTLED, text, null);
            case "InternalServerError" -> new DataHubRetryableException(Kind.SERVER_ERROR, text, null);
            case "MalformedRecord" -> new DataHubFatalException(Reason.MALFORMED_RECORD, text, null);
            default -> new DataHubFatalException(Reason.INVALID_REQUEST, text, null);
        };
    }

    /**
     * DataHub's codes for refused credentials that the SDK may report without its own exception type
     * (its mapping covers only some of them).
     */
    private static boolean isCredentialCode(String code) {
        if (code == null) return false;
        switch (code) {
            case "InvalidAccessKeyId":
            case "InvalidAccessKeyId.NotFound":
            case "InvalidAccessKeyId.Inactive":
            case "SignatureNotMatch":
            case "SignatureDoesNotMatch":
            case "InvalidSecurityToken":
            case "InvalidSecurityToken.Expired":
            case "SecurityTokenExpired":
            case "Unauthorized":
                return true;
            default:
                return false;
        }
    }

    /** The parts of an SDK exception worth a log line: status, code, message, request id. */
    private static String describe(DatahubClientException e) {
        StringBuilder b = new StringBuilder();
        if (e.getErrorCode() != null) b.append(e.getErrorCode()).append(": ");
        b.append(e.getErrorMessage() != null ? e.getErrorMessage() : String.valueOf(e.getMessage()));
        if (e.getHttpStatus() != SDK_CLIENT_ERROR_STATUS) b.append(", HTTP ").append(e.getHttpStatus());
        if (e.getRequestId() != null) b.append(", request id ").append(e.getRequestId());
        return b.toString();
    }

    private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }
}
