package io.datahubfcsync.datahub;

import java.util.Objects;

/** Builds {@link SdkDataHubClient}s for one project/topic from a serializable connection. */
final class SdkDataHubClientFactory implements DataHubClientFactory {
    private static final long serialVersionUID = 1L;

    private final DataHubConnection connection;
    private final String project;
    private final String topic;

    SdkDataHubClientFactory(DataHubConnection connection, String project, String topic) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.project = Objects.requireNonNull(project, "project");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public DataHubClient create() {
        return connection.client(project, topic);
    }

    @Override
    public String toString() {
        return "SdkDataHubClientFactory{" + connection + ", " + project + "/" + topic + '}';
    }
}
