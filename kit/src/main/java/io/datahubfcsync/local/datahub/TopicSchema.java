package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The field list of a TUPLE topic, kept in the emulator's own immutable form (the SDK's
 * {@link RecordSchema} is mutable and not thread-safe). Also checks written tuple values the way
 * DataHub does: one value per field, nulls only where allowed, each parseable as its type.
 */
public final class TopicSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMESTAMP_MIN = -62135798400000000L;
    private static final long TIMESTAMP_MAX = 253402271999000000L;

    /** One column of the tuple. */
    public record FieldSpec(String name, FieldType type, boolean allowNull, String comment) {}

    private final List<FieldSpec> fields;

    private TopicSchema(List<FieldSpec> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("A TUPLE schema needs at least one field");
        }
        Set<String> names = new HashSet<>();
        for (FieldSpec f : fields) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("Field '" + f.name() + "' appears twice in the schema");
            }
        }
        this.fields = List.copyOf(fields);
    }

    public static TopicSchema of(RecordSchema schema) {
        List<FieldSpec> fields = new ArrayList<>();
        for (Field f : schema.getFields()) {
            fields.add(new FieldSpec(
                    f.getName().toLowerCase(Locale.ROOT),
                    f.getType(),
                    f.isAllowNull(),
                    f.getComment() == null ? "" : f.getComment()));
        }
        return new TopicSchema(fields);
    }

    /** Parses DataHub's schema JSON: {@code {"fields":[{"name":..,"type":..,"notnull":..,"comment":..}]}}. */
    static TopicSchema parse(String schemaJson) {
        JsonNode root;
        try {
            root = JSON.readTree(schemaJson);
        } catch (IOException e) {
            throw ServiceError.invalidParameter("RecordSchema is not valid JSON: " + firstLine(e.getMessage()));
        }
        JsonNode fieldNodes = root == null ? null : root.get("fields");
        if (fieldNodes == null || !fieldNodes.isArray() || fieldNodes.isEmpty()) {
            throw ServiceError.invalidParameter("RecordSchema must be {\"fields\":[...]} with at least one field");
        }
        List<FieldSpec> fields = new ArrayList<>();
        for (JsonNode n : fieldNodes) {
            String name = n.path("name").asText("");
            String typeName = n.path("type").asText("").toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw ServiceError.invalidParameter("Every schema field needs a name");
            }
            FieldType type;
            try {
                type = FieldType.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                throw ServiceError.invalidParameter("Field '" + name + "' has unknown type '" + typeName + "'");
            }
            fields.add(new FieldSpec(
                    name.toLowerCase(Locale.ROOT),
                    type,
                    !n.path("notnull").asBoolean(false),
                    n.path("comment").asText("")));
        }
        try {
            return new TopicSchema(fields);
        } catch (IllegalArgumentException e) {
            throw ServiceError.invalidParameter(e.getMessage());
        }
    }

    public List<FieldSpec> fields() {
        return fields;
    }

    /** The schema JSON as the SDK writes and reads it ({@code notnull} only when true, comment only when set). */
    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("fields");
        for (FieldSpec f : fields) {
            ObjectNode n = arr.addObject();
            n.put("name", f.name());
            n.put("type", f.type().name());
            if (!f.allowNull()) n.put("notnull", true);
            if (!f.comment().isBlank()) n.put("comment", f.comment());
        }
        return root.toString();
    }

    /** A fresh SDK schema (the SDK's object is mutable, so never share one). */
    public RecordSchema toRecordSchema() {
        RecordSchema schema = new RecordSchema();
        for (FieldSpec f : fields) {
            schema.addField(new Field(f.name(), f.type(), f.allowNull(), f.comment()));
        }
        return schema;
    }

    /**
     * Checks one written tuple and returns it as stored: BOOLEAN lower-cased, everything else as
     * written. Throws {@code MalformedRecord} naming the field on any mismatch.
     */
    List<String> normalize(List<String> values) {
        if (values.size() != fields.size()) {
            throw ServiceError.malformedRecord("Record field size not match: the schema has " + fields.size()
                    + " fields, the record " + values.size() + " values");
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(normalize(fields.get(i), values.get(i)));
        }
        return Collections.unmodifiableList(out);
    }

    private static String normalize(FieldSpec f, String v) {
        if (v == null) {
            if (!f.allowNull()) {
                throw ServiceError.malformedRecord("Field '" + f.name() + "' is NOT NULL but the record has null");
            }
            return null;
        }
        try {
            switch (f.type()) {
                case BIGINT:
                    Long.parseLong(v);
                    return v;
                case INTEGER:
                    Integer.parseInt(v);
                    return v;
                case SMALLINT:
                    Short.parseShort(v);
                    return v;
                case TINYINT:
                    Byte.parseByte(v);
                    return v;
                case DOUBLE:
                case FLOAT:
                    Double.parseDouble(v);
                    return v;
                case DECIMAL:
                    new BigDecimal(v);
                    return v;
                case TIMESTAMP:
                    long micros = Long.parseLong(v);
                    if (micros < TIMESTAMP_MIN || micros > TIMESTAMP_MAX) {
                        throw new NumberFormatException("out of range");
                    }
                    return v;
                case BOOLEAN:
                    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return v.toLowerCase(Locale.ROOT);
                    throw new NumberFormatException("not true/false");
                case STRING:
                default:
                    return v;
            }
        } catch (NumberFormatException e) {
            throw ServiceError.malformedRecord(
                    "Field '" + f.name() + "' of type " + f.type() + " cannot hold the value '" + abbreviate(v) + "'");
        }
    }

    private static String abbreviate(String v) {
        return v.length() <= 64 ? v : v.substring(0, 64) + "...";
    }

    @Override
    public String toString() {
        return toJson();
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
