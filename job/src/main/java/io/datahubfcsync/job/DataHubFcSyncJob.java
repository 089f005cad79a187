package io.datahubfcsync.job;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.delivery.FcDelivery;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.DataHubSource;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job users submit: {@code DataHub source <project>/<topic>} → {@code keyBy(shardId)} →
 * {@code FC <service>/<function>}. Parameters are validated and the services checked before
 * anything is submitted; see README for the parameters and the delivery contract.
 */
public final class DataHubFcSyncJob {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubFcSyncJob.class);

    /** Stable uid of the source: savepoints map shard positions back to it. Never change it. */
    public static final String SOURCE_UID = "datahub-source";
    /** How long a partly filled buffer of the source's output may wait, unless {@code execution.buffer-timeout} is set. */
    static final long SOURCE_BUFFER_TIMEOUT_MS = 5;

    private DataHubFcSyncJob() {}

    public static void main(String[] args) throws Exception {
        JobPlan plan = prepare(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, plan);
        env.execute(plan.jobName());
    }

    /**
     * Parses and validates the parameters and runs the start-up checks.
     *
     * @throws JobStartupException with a one-paragraph message (also printed to stderr)
     */
    public static JobPlan prepare(String[] args) {
        try {
            JobPlan plan = JobPlan.of(JobConfig.fromArgs(args));
            StartupChecks.run(plan);
            return SubscriptionCheck.resolve(plan);
        } catch (ConfigException e) {
            throw report(new JobStartupException(e.getMessage(), null));
        } catch (CredentialsSource.MissingCredentialsException e) {
            throw report(new JobStartupException(e.getMessage(), null));
        } catch (JobStartupException e) {
            throw report(e);
        }
    }

    private static JobStartupException report(JobStartupException e) {
        // The Flink CLI prints the exception with its stack trace; lead with the plain message.
        System.err.println("datahub-fc-sync cannot start: " + e.getMessage());
        if (e.getCause() != null) LOG.debug("Start-up failure detail", e.getCause());
        return e;
    }

    /** Adds the pipeline to {@code env}; also used by the local runner and the tests. */
    @Internal
    public static void build(StreamExecutionEnvironment env, JobPlan plan) {
        JobConfig c = plan.config();
        // Shown in the Flink UI's job configuration: parameters only, there are no secrets among them.
        env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(c.effectiveParameters()));
        SingleOutputStreamOperator<ShardRecord> records = env.fromSource(
                        new DataHubSource(plan.sourceConfig()),
                        WatermarkStrategy.noWatermarks(),
                        "DataHub source " + c.project() + "/" + c.topic())
                .uid(SOURCE_UID);
        if (env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            // Flink's default sends a partly filled network buffer after up to 100 ms, which at a
            // trickle of records is most of the time from DataHub to the function; full buffers go at once
            records.setBufferTimeout(SOURCE_BUFFER_TIMEOUT_MS);
        }
        FcDelivery.attach(records, plan.deliveryConfig(), plan.fc().invokerFactory(), plan.sourceConfig());
        LOG.info("Built {} with parameters {}", plan.jobName(), c.effectiveParameters());
    }

    /** Submits without blocking; for the local runner. */
    @Internal
    public static JobClient start(StreamExecutionEnvironment env, JobPlan plan) throws Exception {
        build(env, plan);
        return env.executeAsync(plan.jobName());
    }
}
