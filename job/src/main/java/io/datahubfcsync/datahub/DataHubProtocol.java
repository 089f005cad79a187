package io.datahubfcsync.datahub;

import java.util.Locale;

/** Wire format for getRecords/putRecords: DataHub's protobuf frames (default, faster) or JSON. */
public enum DataHubProtocol {
    PROTOBUF,
    JSON;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
