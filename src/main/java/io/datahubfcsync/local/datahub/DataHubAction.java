package io.datahubfcsync.local.datahub;

/**
 * The DataHub API call a request is for, as the emulator dispatches it. Used to count calls and to
 * aim faults at one kind of call ("throttle the next 3 getRecords").
 */
public enum DataHubAction {
    LIST_PROJECT,
    GET_PROJECT,
    CREATE_PROJECT,
    DELETE_PROJECT,
    LIST_TOPIC,
    GET_TOPIC,
    CREATE_TOPIC,
    DELETE_TOPIC,
    LIST_SHARD,
    /** getCursor: {@code {"Action":"cursor"}}. */
    GET_CURSOR,
    /** getRecords: JSON {@code "sub"} or protobuf {@code x-datahub-request-action: sub}. */
    GET_RECORDS,
    /** putRecords on the topic's {@code /shards}, routed per record. */
    PUT_RECORDS,
    /** putRecordsByShard on {@code /shards/{id}}. */
    PUT_RECORDS_BY_SHARD,
    SPLIT_SHARD,
    MERGE_SHARD,
    /** Anything the emulator does not implement; answered with InvalidParameter. */
    UNSUPPORTED
}
