package io.datahubfcsync.delivery;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.BlobRecordData;
import com.aliyun.datahub.client.model.PutErrorEntry;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import io.datahubfcsync.datahub.DataHubConnection;
import java.util.List;

/** Puts each dead letter as one BLOB record, with its error metadata as attributes, with the real DataHub SDK. */
final class DataHubDeadLetterWriter implements DeadLetterWriter {
    private final DatahubClient client;
    private final String project;
    private final String topic;

    DataHubDeadLetterWriter(DatahubClient client, String project, String topic) {
        this.client = client;
        this.project = project;
        this.topic = topic;
    }

    static Factory factory(DataHubConnection connection, String project, String topic) {
        return () -> new DataHubDeadLetterWriter(connection.createSdkClient(), project, topic);
    }

    @Override
    public void write(DeadLetter letter) {
        RecordEntry entry = new RecordEntry();
        entry.setRecordData(new BlobRecordData(letter.event));
        entry.setPartitionKey(letter.shardId);
        letter.attributes.forEach(entry::addAttribute);
        PutRecordsResult result = client.putRecords(project, topic, List.of(entry));
        if (result.getFailedRecordCount() > 0) {
            List<PutErrorEntry> errors = result.getPutErrorEntries();
            String why = errors == null || errors.isEmpty() ? "no reason given"
                    : errors.get(0).getErrorcode() + ": " + errors.get(0).getMessage();
            throw new IllegalStateException("DataHub rejected the dead letter for /projects/" + project + "/topics/"
                    + topic + ": " + why);
        }
    }

    @Override
    public String toString() {
        return "DataHubDeadLetterWriter{/projects/" + project + "/topics/" + topic + '}';
    }
}
