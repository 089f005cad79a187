package io.datahubfcsync.job;

import io.datahubfcsync.credentials.AccessCredentials;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.TopicDescription;
import io.datahubfcsync.fc.FcStartupCheck;
import io.datahubfcsync.option.Units;
import io.datahubfcsync.source.DataHubTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is checked against the services before the job is submitted, so that a typo fails in
 * seconds with a clear message instead of as a restarting job: credentials present, the DataHub
 * topic (and dead-letter topic) exist and can be read, the FC service and function exist.
 */
public final class StartupChecks {
    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    /** What the checks learned, for the start-up log. */
    public record Findings(TopicDescription topic, FcStartupCheck.FunctionInfo function) {}

    private StartupChecks() {}

    public static Findings run(JobPlan plan) {
        JobConfig c = plan.config();
        CredentialsSource credentials = c.credentialsSource();
        AccessCredentials key;
        try {
            key = credentials.current();
        } catch (CredentialsSource.MissingCredentialsException e) {
            throw new JobStartupException(e.getMessage(), null);
        }
        LOG.info("Using access key {} from {}", key.accessKeyId(), credentials.describe());

        TopicDescription topic;
        try {
            topic = DataHubTopics.describe(plan.datahub(), c.project(), c.topic());
        } catch (DataHubTopics.TopicCheckException e) {
            throw new JobStartupException(
                    "DataHub check failed for datahub.project=" + c.project() + " datahub.topic=" + c.topic() + " at "
                            + c.datahubEndpoint() + ": " + e.getMessage(),
                    e);
        }
        if (c.deadLetterTopic() != null) {
            TopicDescription dlq;
            try {
                dlq = DataHubTopics.describe(plan.datahub(), c.project(), c.deadLetterTopic());
            } catch (DataHubTopics.TopicCheckException e) {
                throw new JobStartupException(
                        "DataHub check failed for dead-letter.topic=" + c.deadLetterTopic() + " in project "
                                + c.project() + ": " + e.getMessage(),
                        e);
            }
            if (dlq.isTuple()) {
                throw new JobStartupException(
                        "dead-letter.topic=" + c.deadLetterTopic() + " is a TUPLE topic; it must be a"
                                + " BLOB topic in project " + c.project()
                                + " (failed events are written to it as JSON blobs)",
                        null);
            }
        }

        FcStartupCheck.FunctionInfo function;
        try {
            function = FcStartupCheck.verify(plan.fc());
        } catch (FcStartupCheck.FcStartupCheckException e) {
            throw new JobStartupException(e.getMessage(), e);
        }
        if (function.timeoutSeconds() != null
                && function.timeoutSeconds() * 1000L > c.fcReadTimeout().toMillis()) {
            LOG.warn(
                    "FC function {} may run for {} s but fc.read-timeout is {}: a slow but successful invocation"
                            + " would count as failed and run again. Consider --fc.read-timeout {}s.",
                    plan.fc().functionPath(),
                    function.timeoutSeconds(),
                    Units.formatDuration(c.fcReadTimeout()),
                    function.timeoutSeconds() + 10);
        }
        LOG.info(
                "Start-up checks passed: topic {}/{} ({}, {} fields), FC {} function {} ({})",
                c.project(),
                c.topic(),
                topic.recordKind(),
                topic.fields().size(),
                c.fcApiVersion(),
                plan.fc().functionPath(),
                function.runtime());
        return new Findings(topic, function);
    }
}
