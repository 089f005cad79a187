package io.datahubfcsync.delivery;

/** What the parts of the delivery operator ask of the lane driver when a batch's fate is settled. */
interface LaneActions {
    /** The lane's batch is done (delivered or set aside): drop it and go on with the shard. */
    void batchDone(DeliveryLane lane) throws Exception;

    /** Sends the lane's batch (again). */
    void invoke(DeliveryLane lane);

    /** Gives up the lane's batch as cut and cuts it again from the pending records (after a data error). */
    void cutAgain(DeliveryLane lane) throws Exception;
}
