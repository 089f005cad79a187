package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.model.FieldType;
import java.math.BigDecimal;

/**
 * Renders one TUPLE value, as the SDK decoded it, to the string the DataHub event carries in its
 * {@code data} array: integers as decimal digits, DOUBLE/FLOAT with Java's shortest round-trip form (what
 * DataHub's Java SDK writes), DECIMAL as plain text keeping its scale, BOOLEAN as true/false,
 * TIMESTAMP as microseconds since the epoch, STRING as is, and null as null.
 */
final class TupleValueRenderer {
    private TupleValueRenderer() {}

    static String render(FieldType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case STRING -> (String) value;
            case BIGINT, TIMESTAMP, INTEGER, SMALLINT, TINYINT -> Long.toString(((Number) value).longValue());
            case DOUBLE -> Double.toString(((Number) value).doubleValue());
            case FLOAT -> Float.toString(((Number) value).floatValue());
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            case BOOLEAN -> ((Boolean) value) ? "true" : "false";
        };
    }
}
