package io.datahubfcsync.datahub;

/**
 * The session DataHub handed out for one shard of a subscription. DataHub accepts a commit only
 * with the shard's current session id and version: a newer session (another consumer) or a newer
 * version (an offset reset in the console) makes it refuse the commit.
 */
public record SubscriptionSession(String sessionId, long versionId) {}
