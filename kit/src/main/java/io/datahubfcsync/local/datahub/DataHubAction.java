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
    /** createSubscription: {@code {"Action":"create"}} on the topic's {@code /subscriptions}. */
    CREATE_SUBSCRIPTION,
    GET_SUBSCRIPTION,
    /** updateSubscriptionState: PUT on {@code /subscriptions/{id}} with {@code State}. */
    UPDATE_SUBSCRIPTION,
    /** listSubscription: {@code {"Action":"list"}} on {@code /subscriptions}. */
    LIST_SUBSCRIPTION,
    /** openSubscriptionSession: {@code {"Action":"open"}} on {@code /subscriptions/{id}/offsets}. */
    OPEN_SUBSCRIPTION_SESSION,
    /** getSubscriptionOffset: {@code {"Action":"get"}} on {@code /subscriptions/{id}/offsets}. */
    GET_SUBSCRIPTION_OFFSET,
    /** commitSubscriptionOffset: PUT {@code {"Action":"commit"}} on {@code /subscriptions/{id}/offsets}. */
    COMMIT_SUBSCRIPTION_OFFSET,
    /** Anything the emulator does not implement; answered with InvalidParameter. */
    UNSUPPORTED
}
