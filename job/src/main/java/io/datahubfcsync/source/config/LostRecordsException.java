package io.datahubfcsync.source.config;

/**
 * Records this job still had to read were deleted by DataHub (the topic's lifecycle expired them,
 * or their shard is gone) and {@code datahub.on-expired-position} is {@code fail}. Names the
 * project, topic, shard and the lost range, so the user can decide whether to accept the loss
 * (restart with {@code datahub.on-expired-position=oldest}) or recover the data elsewhere.
 *
 * <p>Retrying cannot bring the records back: the source throws it wrapped so that Flink does not
 * restart the job.
 */
public final class LostRecordsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String project;
    private final String topic;
    private final String shardId;
    private final long firstLost;
    private final long firstRetained;

    /**
     * @param firstLost     the first sequence the job needed and DataHub no longer has
     * @param firstRetained the first sequence after the lost range (the shard's oldest retained
     *                      record), or -1 when nothing of the shard is retained any more
     * @param context       what the job was about to do with them, e.g. "which the source was to
     *                      read next"; empty for nothing
     */
    public LostRecordsException(
            String project, String topic, String shardId, long firstLost, long firstRetained, String context) {
        super(describe(project, topic, shardId, firstLost, firstRetained, context)
                + " They were deleted by the topic's lifecycle. To accept the loss and continue from the oldest "
                + "retained record, restart with datahub.on-expired-position=oldest.");
        this.project = project;
        this.topic = topic;
        this.shardId = shardId;
        this.firstLost = firstLost;
        this.firstRetained = firstRetained;
    }

    /** The loss in one sentence: project, topic, shard, lost range, oldest retained sequence. */
    public static String describe(
            String project, String topic, String shardId, long firstLost, long firstRetained, String context) {
        String range = firstRetained < 0
                ? "every record from sequence " + firstLost + " on (the shard no longer exists)"
                : firstRetained - firstLost == 1
                        ? "sequence " + firstLost + " (1 record)"
                        : "sequences " + firstLost + ".." + (firstRetained - 1) + " (" + (firstRetained - firstLost)
                                + " records)";
        return "Records of shard " + shardId + " in DataHub project " + project + " topic " + topic
                + " expired before this job read them: " + range + (context.isEmpty() ? "" : ", " + context)
                + (firstRetained >= 0 ? "; the oldest retained sequence is " + firstRetained : "") + ".";
    }

    public String project() {
        return project;
    }

    public String topic() {
        return topic;
    }

    public String shardId() {
        return shardId;
    }

    public long firstLostSequence() {
        return firstLost;
    }
    /** The shard's oldest retained sequence, -1 if the shard is gone. */
    public long firstRetainedSequence() {
        return firstRetained;
    }
}
