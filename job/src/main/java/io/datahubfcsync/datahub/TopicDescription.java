package io.datahubfcsync.datahub;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What the job needs to know about a topic: whether records are TUPLE or BLOB, and for TUPLE the
 * schema's fields in order (the order of the values in the event's {@code data} array).
 */
public record TopicDescription(
        String project, String topic, RecordKind recordKind, List<FieldSpec> fields, int shardCount, int lifecycleDays)
        implements Serializable {

    /** DataHub's record types. */
    public enum RecordKind {
        TUPLE,
        BLOB
    }

    /** One schema field: its (lower-cased, as DataHub stores it) name and DataHub type name. */
    public record FieldSpec(String name, String type, boolean allowNull) implements Serializable {}

    public TopicDescription {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(recordKind, "recordKind");
        fields = List.copyOf(fields);
    }

    public boolean isTuple() {
        return recordKind == RecordKind.TUPLE;
    }

    /** The schema's field names in order; empty for BLOB topics. */
    public List<String> fieldNames() {
        return fields.stream().map(FieldSpec::name).toList();
    }
}
