package io.datahubfcsync.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.local.sts.StsEmulator;
import io.datahubfcsync.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every source of the standard Alibaba Cloud credential chain that can be served on 127.0.0.1, end
 * to end: a separate JVM ({@link ChainProbe}) with exactly the environment, system properties and
 * home directory a test gives it takes credentials from the chain as the job does and signs FC 3.0
 * calls, FC 2.0 calls and DataHub calls to the emulators with them; a line counts only when all
 * three were accepted. The ECS instance-metadata source is switched off in every child
 * ({@code ALIBABA_CLOUD_ECS_METADATA_DISABLED=true}): it would talk to an address outside this machine.
 */
class StandardCredentialChainTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private FcEmulator fc;
    private DataHubEmulator datahub;
    private Process child;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        fc.deployFunction3("fn", new TestFunctions.Echo());
        fc.deployFunction("svc", "fn", new TestFunctions.Echo());
        datahub = DataHubEmulator.start();
        datahub.createProject("chain").createTopic("chain", "events", 1, null);
    }

    /** Both services accept this key pair (with this STS token, if not null). */
    private void accept(String id, String secret, String token) {
        if (token == null) {
            fc.addAccessKey(id, secret);
            datahub.acceptCredentials(id, secret);
        } else {
            fc.addStsCredentials(id, secret, token);
            datahub.acceptStsCredentials(id, secret, token);
        }
    }

    private void revoke(String id) {
        fc.removeAccessKey(id);
        datahub.revokeCredentials(id);
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly();
        }
        fc.close();
        datahub.close();
    }

    /** Starts the probe with only {@code environment} (no ALIBABA_CLOUD_* of this JVM) and a fresh home. */
    private void probe(Map<String, String> environment, String... systemProperties) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Duser.home=" + home));
        cmd.addAll(List.of(systemProperties));
        cmd.addAll(List.of(ChainProbe.class.getName(), fc.endpoint(), fc.accountId(), "fn", datahub.endpoint()));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_"));
        b.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        b.environment().putAll(environment);
        child = b.start();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) lines.add(line);
                    } catch (IOException ignored) {
                        // child ended
                    }
                },
                "probe-output");
        reader.setDaemon(true);
        reader.start();
    }

    private String awaitLine(String what, String... parts) {
        AtomicReference<String> found = new AtomicReference<>();
        Await.until(what + " (probe said: " + tail() + ")", TIMEOUT, () -> {
            for (String l : lines) {
                boolean all = true;
                for (String p : parts) all &= l.contains(p);
                if (all) {
                    found.set(l);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    private String tail() {
        return lines.isEmpty() ? "nothing" : lines.get(lines.size() - 1);
    }

    @Test
    void environmentVariablesWithAnStsTokenSignCalls() throws IOException {
        accept("STS.env-key", "env-secret", "env-token");

        probe(Map.of(
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                "STS.env-key",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                "env-secret",
                "ALIBABA_CLOUD_SECURITY_TOKEN",
                "env-token"));

        String call = awaitLine(
                "a call signed with the environment's STS key",
                "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                "key=STS.env-key");
        assertThat(call).contains("source=the standard Alibaba Cloud credential chain (environment variables)");
    }

    @Test
    void javaSystemPropertiesComeFirst() throws IOException {
        accept("LTAI-sysprop", "sysprop-secret", null);

        probe(
                Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env-not-used", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "unused"),
                "-Dalibabacloud.accessKeyId=LTAI-sysprop",
                "-Dalibabacloud.accessKeySecret=sysprop-secret");

        assertThat(awaitLine(
                        "a call signed with the system properties' key",
                        "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                        "key=LTAI-sysprop"))
                .contains("(Java system properties)");
    }

    @Test
    void theCliProfileInTheHomeDirectorySignsCalls() throws IOException {
        accept("LTAI-cli", "cli-secret", null);
        Files.createDirectories(home.resolve(".aliyun"));
        Files.writeString(
                home.resolve(".aliyun/config.json"),
                "{\"current\":\"default\",\"profiles\":[{\"name\":"
                        + "\"default\",\"mode\":\"AK\",\"access_key_id\":\"LTAI-cli\",\"access_key_secret\":\"cli-secret\"}]}");

        probe(Map.of());

        assertThat(awaitLine(
                        "a call signed with the CLI profile's key",
                        "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                        "key=LTAI-cli"))
                .contains("(the Alibaba Cloud CLI profile)");
    }

    @Test
    void theCredentialsFileNamedByTheEnvironmentSignsCalls() throws IOException {
        accept("LTAI-ini", "ini-secret", null);
        Path ini = home.resolve("credentials.ini");
        Files.writeString(
                ini,
                "[default]\nenable = true\ntype = access_key\naccess_key_id = LTAI-ini\n"
                        + "access_key_secret = ini-secret\n");

        probe(Map.of("ALIBABA_CLOUD_CREDENTIALS_FILE", ini.toString(), "ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"));

        assertThat(awaitLine(
                        "a call signed with the credentials.ini key",
                        "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                        "key=LTAI-ini"))
                .contains("(the credentials file (credentials.ini))");
    }

    @Test
    void theCredentialsUriIsFollowedThroughARotationWithoutARestart() throws IOException {
        accept("STS.uri-1", "uri-secret-1", "uri-token-1");
        AtomicReference<String> served = new AtomicReference<>(uriAnswer("STS.uri-1", "uri-secret-1", "uri-token-1"));
        HttpServer uri = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        uri.createContext("/credentials", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        uri.start();
        try {
            probe(Map.of(
                    "ALIBABA_CLOUD_CREDENTIALS_URI",
                    "http://127.0.0.1:" + uri.getAddress().getPort() + "/credentials",
                    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
                    "true"));
            assertThat(awaitLine(
                            "a call signed with the URI's first key",
                            "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                            "key=STS.uri-1"))
                    .contains("(ALIBABA_CLOUD_CREDENTIALS_URI)");

            // rotation: the service stops accepting the old key, the URI hands out the new one
            accept("STS.uri-2", "uri-secret-2", "uri-token-2");
            served.set(uriAnswer("STS.uri-2", "uri-secret-2", "uri-token-2"));
            revoke("STS.uri-1");

            awaitLine(
                    "a call signed with the rotated key, same JVM",
                    "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                    "key=STS.uri-2");
        } finally {
            uri.stop(0);
        }
    }

    /**
     * RRSA as on ACK: the pod-identity variables name a role, an OIDC provider and a projected token
     * file, and the library exchanges the token for a temporary key at STS. The library reaches STS
     * only at {@code https://sts.<region>.aliyuncs.com} (port 443, no setting for another address),
     * so the child resolves exactly that name to 127.0.0.1 through its own hosts file (every other
     * name fails to resolve: nothing can leave this machine) and trusts the emulator's certificate
     * for it. Then the token file is rotated, as the kubelet does, and STS accepts only the new one.
     */
    @Test
    void oidcRoleAssumptionSignsCallsAndFollowsARotatedTokenFileWithoutARestart() throws Exception {
        String stsHost = "sts.cn-hangzhou.aliyuncs.com";
        String role = "acs:ram::1234567890123456:role/datahub-fc-sync";
        String provider = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee";
        char[] password = "changeit".toCharArray();
        Path tls = home.resolve("tls");
        Files.createDirectories(tls);
        Path keyStore = tls.resolve("sts.p12");
        Path trustStore = tls.resolve("trust.p12");
        Path cert = tls.resolve("sts.cer");
        keytool(
                "-genkeypair",
                "-alias",
                "sts",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=" + stsHost,
                "-ext",
                "SAN=dns:" + stsHost,
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(password));
        keytool(
                "-exportcert",
                "-alias",
                "sts",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(password),
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "sts",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                new String(password));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        StsEmulator sts;
        try {
            sts = StsEmulator.start(443, context, role, provider);
        } catch (SocketException e) {
            Assumptions.abort("serving STS on 127.0.0.1:443 needs root (CI runs as root): " + e.getMessage());
            return;
        }
        try {
            Path hosts = tls.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 " + stsHost + "\n");
            Path token = home.resolve("oidc-token");
            Files.writeString(token, "eyJ.service-account-token-1.sig");
            sts.accept(
                    "eyJ.service-account-token-1.sig",
                    new StsEmulator.IssuedKey(
                            "STS.oidc-1",
                            "oidc-secret-1",
                            "oidc-token-1",
                            Duration.ofMinutes(
                                    1))); // inside the library's refresh window: it asks again before each use
            accept("STS.oidc-1", "oidc-secret-1", "oidc-token-1");

            probe(
                    Map.of(
                            "ALIBABA_CLOUD_ROLE_ARN",
                            role,
                            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                            provider,
                            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                            token.toString(),
                            "ALIBABA_CLOUD_STS_REGION",
                            "cn-hangzhou",
                            "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
                            "true"),
                    "-Djdk.net.hosts.file=" + hosts,
                    "-Djavax.net.ssl.trustStore=" + trustStore,
                    "-Djavax.net.ssl.trustStoreType=PKCS12",
                    "-Djavax.net.ssl.trustStorePassword=" + new String(password));
            assertThat(awaitLine(
                            "a call signed with the key STS gave for the first token",
                            "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                            "key=STS.oidc-1"))
                    .contains("(OIDC role assumption (RRSA))");
            assertThat(sts.calls())
                    .first()
                    .satisfies(call -> assertThat(call.parameters())
                            .containsEntry("RoleArn", role)
                            .containsEntry("OIDCProviderArn", provider)
                            .containsEntry("OIDCToken", "eyJ.service-account-token-1.sig"));

            // the kubelet rotates the projected token; STS takes only the new one and the old key is revoked
            sts.accept(
                    "eyJ.service-account-token-2.sig",
                    new StsEmulator.IssuedKey("STS.oidc-2", "oidc-secret-2", "oidc-token-2", Duration.ofMinutes(1)));
            accept("STS.oidc-2", "oidc-secret-2", "oidc-token-2");
            Files.writeString(token, "eyJ.service-account-token-2.sig");
            sts.refuse("eyJ.service-account-token-1.sig");
            revoke("STS.oidc-1");

            awaitLine(
                    "a call signed with the key for the rotated token, same JVM",
                    "CALL SUCCESS null fc2=SUCCESS datahub=OK",
                    "key=STS.oidc-2");
            assertThat(lines).noneMatch(l -> l.contains("oidc-secret") || l.contains("service-account-token"));
        } finally {
            sts.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    @Test
    void withNoSourceTheMessageListsTheChainInOrderAndNoCallIsSigned() throws IOException {
        probe(Map.of("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"));

        String missing = awaitLine("the chain's message", "MISSING");
        assertThat(missing)
                .contains("No Alibaba Cloud credentials: set the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID")
                .contains("The chain tried, in order: Java system properties")
                .contains("ALIBABA_CLOUD_OIDC_TOKEN_FILE")
                .contains("ALIBABA_CLOUD_CREDENTIALS_URI");
        assertThat(fc.invocations().total()).isZero();
    }

    /**
     * What a credentials URI answers. The expiry is a minute away, inside the library's refresh window,
     * so it fetches again before each use and a rotation shows at once.
     */
    private static String uriAnswer(String keyId, String secret, String token) {
        String expiration = Instant.now()
                .plus(1, ChronoUnit.MINUTES)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        return "{\"Code\":\"Success\",\"AccessKeyId\":\"" + keyId + "\",\"AccessKeySecret\":\"" + secret
                + "\",\"SecurityToken\":\"" + token + "\",\"Expiration\":\"" + expiration + "\"}";
    }
}
