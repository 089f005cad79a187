package io.datahubfcsync.job;

import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.DataHubSubscriptions;
import io.datahubfcsync.progress.SubscriptionResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code datahub.subscription} before submission, so every subtask and every restart
 * commits to the same subscription, and a wrong id fails the start with one clear paragraph.
 */
final class SubscriptionCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionCheck.class);

    private SubscriptionCheck() {}

    static JobPlan resolve(JobPlan plan) {
        JobConfig c = plan.config();
        if (c.datahubSubscription() == null) return plan;
        try (DataHubSubscriptions subscriptions = plan.datahub().subscriptions(c.project(), c.topic())) {
            String subId = SubscriptionResolver.resolve(
                    subscriptions, c.project(), c.topic(), c.datahubSubscription(), plan.jobName());
            LOG.info(
                    "Delivered positions are mirrored to DataHub subscription {} of {}/{}",
                    subId,
                    c.project(),
                    c.topic());
            return plan.withSubscriptionId(subId);
        } catch (IllegalArgumentException e) {
            throw new JobStartupException(e.getMessage(), null);
        } catch (DataHubException e) {
            throw new JobStartupException(
                    "datahub.subscription: the subscriptions of topic " + c.project() + "/"
                            + c.topic() + " cannot be read (" + e.getMessage()
                            + "); check the endpoint, the credentials'"
                            + " RAM permissions, or leave datahub.subscription out",
                    e);
        }
    }
}
