package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.DatahubClientBuilder;
import com.aliyun.datahub.client.auth.Account;
import com.aliyun.datahub.client.auth.AliyunAccount;
import com.aliyun.datahub.client.common.DatahubConfig;
import com.aliyun.datahub.client.http.HttpConfig;
import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.datahub.DataHubProtocol;

/** Real DataHub SDK clients pointed at an emulator, as the job builds them (no SDK retries). */
final class SdkClients {
    private SdkClients() {}

    static DatahubClient client(DataHubEmulator emulator, DataHubProtocol protocol) {
        return client(
                emulator,
                protocol,
                new AliyunAccount(DataHubEmulator.TEST_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_SECRET));
    }

    static DatahubClient client(DataHubEmulator emulator, DataHubProtocol protocol, Account account) {
        return DatahubClientBuilder.newBuilder()
                .setDatahubConfig(new DatahubConfig(emulator.endpoint(), account, protocol == DataHubProtocol.PROTOBUF))
                .setHttpConfig(new HttpConfig()
                        .setMaxRetryCount(1)
                        .setReadTimeout(10_000)
                        .setConnTimeout(5_000))
                .build();
    }

    /** One field of every DataHub type, one of them NOT NULL. */
    static RecordSchema everyTypeSchema() {
        RecordSchema s = new RecordSchema();
        s.addField(new Field("f_bigint", FieldType.BIGINT));
        s.addField(new Field("f_integer", FieldType.INTEGER, false));
        s.addField(new Field("f_smallint", FieldType.SMALLINT));
        s.addField(new Field("f_tinyint", FieldType.TINYINT));
        s.addField(new Field("f_double", FieldType.DOUBLE));
        s.addField(new Field("f_float", FieldType.FLOAT));
        s.addField(new Field("f_decimal", FieldType.DECIMAL));
        s.addField(new Field("f_boolean", FieldType.BOOLEAN));
        s.addField(new Field("f_timestamp", FieldType.TIMESTAMP));
        s.addField(new Field("f_string", FieldType.STRING, true, "free text"));
        return s;
    }
}
