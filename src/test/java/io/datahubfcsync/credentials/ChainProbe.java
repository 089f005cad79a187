package io.datahubfcsync.credentials;

import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child JVM of {@link StandardCredentialChainTest}: with whatever environment, system properties
 * and home directory the test gave it, takes credentials from the standard chain as the job does and
 * invokes an FC 3.0 function of the emulator with them, printing one line per call:
 * {@code CALL <outcome> <errorCode> key=<accessKeyId> source=<describe()>}. Runs until its stdin closes.
 */
public final class ChainProbe {
    private ChainProbe() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String accountId = args[1];
        String function = args[2];
        CredentialsSource credentials = CredentialsSource.standardChain();
        FcConnection c = FcConnection.builder().endpoint(endpoint).accountId(accountId).region("cn-hangzhou")
                .function(function).readTimeout(Duration.ofSeconds(5)).credentials(credentials).build();
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
        try (FunctionInvoker invoker = c.invokerFactory().create()) {
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
                InvocationResult r = invoker.invoke("{\"records\":[]}".getBytes(StandardCharsets.UTF_8));
                System.out.println("CALL " + r.outcome() + " " + r.errorCode() + " key=" + key + " source="
                        + credentials.describe());
                System.out.flush();
                Thread.sleep(100);
            }
        }
    }
}
