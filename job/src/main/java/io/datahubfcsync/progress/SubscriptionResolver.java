package io.datahubfcsync.progress;

import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.DataHubSubscriptions;

/**
 * Turns {@code datahub.subscription} into a subscription id before the job is submitted: an id is
 * checked to exist; {@code auto} finds the subscription this job created at an earlier start (its
 * comment names the job) or creates it, so resubmissions keep mirroring into the same one.
 */
public final class SubscriptionResolver {
    public static final String AUTO = "auto";

    private SubscriptionResolver() {}

    /** The comment that marks the subscription {@code auto} created for a job. */
    public static String commentFor(String jobName) {
        return "mirror of " + jobName;
    }

    /**
     * @param subscriptions the subscriptions of {@code project/topic}
     * @return the subscription id to commit to
     * @throws IllegalArgumentException naming the option, when the given id does not exist or
     *     {@code auto} cannot create one
     * @throws DataHubException when the subscriptions cannot be read
     */
    public static String resolve(
            DataHubSubscriptions subscriptions, String project, String topic, String option, String jobName) {
        if (!AUTO.equals(option)) {
            if (subscriptions.exists(option)) return option;
            throw new IllegalArgumentException("datahub.subscription '" + option + "' does not exist in topic "
                    + project + "/" + topic + ": create it in the DataHub console and pass its id, or pass `auto`"
                    + " to let the job create one");
        }
        String comment = commentFor(jobName);
        return subscriptions.findByComment(comment).orElseGet(() -> {
            try {
                return subscriptions.create(comment);
            } catch (DataHubException e) {
                throw new IllegalArgumentException("datahub.subscription=auto: creating a subscription of topic "
                        + project + "/" + topic + " failed (" + e.getMessage() + "); create one in the DataHub"
                        + " console and pass its id");
            }
        });
    }
}
