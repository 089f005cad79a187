package io.datahubfcsync.progress;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.exception.DatahubClientException;
import com.aliyun.datahub.client.exception.ResourceNotFoundException;
import com.aliyun.datahub.client.model.ListSubscriptionResult;
import com.aliyun.datahub.client.model.SubscriptionEntry;

/**
 * Turns {@code datahub.subscription} into a subscription id before the job is submitted: an id is
 * checked to exist; {@code auto} finds the subscription this job created at an earlier start (its
 * comment names the job) or creates it, so resubmissions keep mirroring into the same one.
 */
public final class SubscriptionResolver {
    public static final String AUTO = "auto";
    private static final int PAGE_SIZE = 100;

    private SubscriptionResolver() {}

    /** The comment that marks the subscription {@code auto} created for a job. */
    public static String commentFor(String jobName) {
        return "mirror of " + jobName;
    }

    /**
     * @return the subscription id to commit to
     * @throws IllegalArgumentException naming the option, when the given id does not exist
     */
    public static String resolve(DatahubClient client, String project, String topic, String option, String jobName) {
        if (!AUTO.equals(option)) {
            try {
                client.getSubscription(project, topic, option);
                return option;
            } catch (ResourceNotFoundException e) {
                throw new IllegalArgumentException("datahub.subscription '" + option + "' does not exist in topic "
                        + project + "/" + topic + ": create it in the DataHub console and pass its id, or pass `auto`"
                        + " to let the job create one");
            }
        }
        String comment = commentFor(jobName);
        for (int page = 1; ; page++) {
            ListSubscriptionResult result = client.listSubscription(project, topic, page, PAGE_SIZE);
            for (SubscriptionEntry s : result.getSubscriptions()) {
                if (comment.equals(s.getComment())) return s.getSubId();
            }
            if (result.getSubscriptions().size() < PAGE_SIZE) break;
        }
        try {
            return client.createSubscription(project, topic, comment).getSubId();
        } catch (DatahubClientException e) {
            throw new IllegalArgumentException("datahub.subscription=auto: creating a subscription of topic " + project
                    + "/" + topic + " failed (" + e.getErrorCode() + ": " + e.getErrorMessage() + "); create one in"
                    + " the DataHub console and pass its id");
        }
    }
}
