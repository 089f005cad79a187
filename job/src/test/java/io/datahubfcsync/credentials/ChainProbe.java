package io.datahubfcsync.credentials;

import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child JVM of {@link StandardCredentialChainTest}: with whatever environment, system properties
 * and home directory the test gave it, takes credentials from the standard chain as the job does and
 * uses them for each of the job's three clients in turn: an FC 3.0 invocation, an FC 2.0
 * invocation and a DataHub ListShard, printing one line per round:
 * {@code CALL <fc3 outcome> <errorCode> fc2=<outcome> datahub=<OK|error> key=<accessKeyId> source=<describe()>}.
 * Runs until its stdin closes.
 */
public final class ChainProbe {
    private ChainProbe() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String accountId = args[1];
        String function = args[2];
        String datahubEndpoint = args[3];
        CredentialsSource credentials = CredentialsSource.standardChain();
        FcConnection c = FcConnection.builder()
                .endpoint(endpoint)
                .accountId(accountId)
                .region("cn-hangzhou")
                .function(function)
                .readTimeout(Duration.ofSeconds(5))
                .credentials(credentials)
                .build();
        FcConnection c2 = FcConnection.builder()
                .endpoint(endpoint)
                .accountId(accountId)
                .region("cn-hangzhou")
                .service("svc")
                .function(function)
                .readTimeout(Duration.ofSeconds(5))
                .credentials(credentials)
                .build();
        DataHubClient datahub =
                new DataHubConnection(datahubEndpoint, DataHubProtocol.PROTOBUF, credentials).client("chain", "events");
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent keeps stdin open while it wants calls
                }
            } catch (java.io.IOException ignored) {
                // parent gone
            }
            System.exit(0);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try (FunctionInvoker invoker = c.invokerFactory().create();
                FunctionInvoker invoker2 = c2.invokerFactory().create()) {
            while (true) {
                String key;
                try {
                    key = credentials.current().accessKeyId();
                } catch (CredentialsSource.MissingCredentialsException e) {
                    System.out.println("MISSING " + e.getMessage());
                    System.out.flush();
                    Thread.sleep(200);
                    continue;
                }
                byte[] event = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
                InvocationResult r = invoker.invoke(event);
                InvocationResult r2 = invoker2.invoke(event);
                String dh;
                try {
                    dh = datahub.listShards().isEmpty() ? "EMPTY" : "OK";
                } catch (RuntimeException e) {
                    dh = e.getClass().getSimpleName();
                }
                System.out.println("CALL " + r.outcome() + " " + r.errorCode() + " fc2=" + r2.outcome() + " datahub="
                        + dh + " key=" + key + " source=" + credentials.describe());
                System.out.flush();
                Thread.sleep(100);
            }
        }
    }
}
