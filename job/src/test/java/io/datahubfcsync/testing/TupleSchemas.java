package io.datahubfcsync.testing;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;

/** TUPLE topic schemas written the way a reader says them: {@code of("id BIGINT", "name STRING")}. */
public final class TupleSchemas {
    private TupleSchemas() {}

    /** @param fields each "name TYPE", TYPE a DataHub {@link FieldType}; the fields may be null */
    public static RecordSchema of(String... fields) {
        RecordSchema schema = new RecordSchema();
        for (String f : fields) {
            String[] nameAndType = f.trim().split("\\s+");
            if (nameAndType.length != 2) throw new IllegalArgumentException("not \"name TYPE\": " + f);
            schema.addField(new Field(nameAndType[0], FieldType.valueOf(nameAndType[1])));
        }
        return schema;
    }
}
