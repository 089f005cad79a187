package io.datahubfcsync.source;

import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.datahub.TopicDescription;

/** The start-up check of the source topic, run on the client before the job is submitted. */
public final class DataHubTopics {
    private DataHubTopics() {}

    /**
     * Describes the topic, or fails with one {@link TopicCheckException} whose message says what is
     * wrong (project/topic not found, credentials rejected, endpoint unreachable) and what to check.
     */
    public static TopicDescription describe(DataHubConnection connection, String project, String topic) {
        try (DataHubClient client = connection.client(project, topic)) {
            return client.describeTopic();
        } catch (DataHubFatalException e) {
            throw new TopicCheckException(e.reason().name(), e.getMessage(), e);
        } catch (DataHubAuthException e) {
            // before submission credentials are not expected to rotate in: fail at once, saying where they came from
            throw new TopicCheckException(
                    e.reason().name(),
                    e.getMessage() + " Credentials from "
                            + connection.credentials().describe() + ".",
                    e);
        } catch (DataHubRetryableException e) {
            String reason = e.kind() == DataHubRetryableException.Kind.NETWORK
                    ? "ENDPOINT_UNREACHABLE"
                    : e.kind().name();
            throw new TopicCheckException(
                    reason,
                    "DataHub at " + connection.endpoint() + " could not be reached or "
                            + "did not answer for " + project + "/" + topic + ": " + e.getMessage()
                            + ". Check datahub.endpoint and the network path from the Flink cluster.",
                    e);
        } catch (DataHubException e) {
            throw new TopicCheckException("OTHER", e.getMessage(), e);
        } catch (RuntimeException e) {
            // e.g. the SDK's own client-side validation of project/topic names
            throw new TopicCheckException(
                    "INVALID_REQUEST",
                    "Cannot describe DataHub topic " + project + "/" + topic + ": " + e.getMessage(),
                    e);
        }
    }

    /** The topic check failed; {@link #reason()} is a stable keyword, the message is for people. */
    public static final class TopicCheckException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        TopicCheckException(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        /** PROJECT_OR_TOPIC_NOT_FOUND, CREDENTIALS_REJECTED, PERMISSION_DENIED, ENDPOINT_UNREACHABLE, ... */
        public String reason() {
            return reason;
        }
    }
}
