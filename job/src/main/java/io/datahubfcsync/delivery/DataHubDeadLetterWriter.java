package io.datahubfcsync.delivery;

import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubConnection;

/**
 * Puts each dead letter as one BLOB record of the dead-letter topic, keyed by its source shard, with
 * its error metadata as attributes.
 */
final class DataHubDeadLetterWriter implements DeadLetterWriter {
    private final DataHubClient topic;

    DataHubDeadLetterWriter(DataHubClient topic) {
        this.topic = topic;
    }

    static Factory factory(DataHubConnection connection, String project, String topic) {
        return () -> new DataHubDeadLetterWriter(connection.client(project, topic));
    }

    /** @throws io.datahubfcsync.datahub.DataHubException if DataHub refused the call or the record */
    @Override
    public void write(DeadLetter letter) {
        topic.putBlob(letter.shardId, letter.event, letter.attributes);
    }

    @Override
    public void close() {
        topic.close();
    }

    @Override
    public String toString() {
        return "DataHubDeadLetterWriter{" + topic + '}';
    }
}
