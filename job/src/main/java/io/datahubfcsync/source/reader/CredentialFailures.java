package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long DataHub has been refusing this reader's credentials. A refusal is not the data's fault:
 * the reader backs off and tries again, and the next request is signed with whatever the credential
 * source holds by then (a rotated token, a fixed key). Only when refusals have lasted for
 * {@code credentials.failure-grace} without a single accepted call does the source fail, naming
 * where the credentials come from. One instance per split reader, shared by its call threads.
 */
final class CredentialFailures {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialFailures.class);

    private final DataHubSourceConfig config;
    private final ReaderCounters counters;
    private long failingSinceMs = -1;
    private long refusals;

    CredentialFailures(DataHubSourceConfig config, ReaderCounters counters) {
        this.config = config;
        this.counters = counters;
    }

    /**
     * Records a refusal.
     *
     * @throws DataHubFatalException once refusals have lasted longer than the grace period
     */
    synchronized void refused(String shardId, long now, DataHubAuthException e) {
        counters.credentialFailures.inc();
        refusals++;
        if (failingSinceMs < 0) failingSinceMs = now;
        long failingMs = now - failingSinceMs;
        if (failingMs >= config.credentialsFailureGraceMs()) {
            throw new DataHubFatalException(
                    DataHubFatalException.Reason.CREDENTIALS_REJECTED,
                    "DataHub has refused"
                            + " the credentials from " + config.describeCredentials() + " for " + failingMs / 1000
                            + " s (credentials.failure-grace " + config.credentialsFailureGraceMs() / 1000 + " s, "
                            + refusals
                            + " refused calls) while reading " + config.project() + "/" + config.topic() + " shard "
                            + shardId
                            + ". Last answer: " + e.getMessage(),
                    e);
        }
        if (refusals == 1 || refusals % 20 == 0) {
            LOG.warn(
                    "DataHub refused the credentials from {} ({} refused calls in {} ms, giving up after {} ms);"
                            + " backing off and trying again with the credentials current then: {}",
                    config.describeCredentials(),
                    refusals,
                    failingMs,
                    config.credentialsFailureGraceMs(),
                    e.getMessage());
        }
    }

    /** A call was accepted: the credentials work (again). */
    synchronized void accepted() {
        if (failingSinceMs >= 0) {
            LOG.info("DataHub accepts the credentials again after {} refused calls", refusals);
        }
        failingSinceMs = -1;
        refusals = 0;
    }
}
