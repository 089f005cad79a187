package io.datahubfcsync.local.sts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * Alibaba Cloud STS's {@code AssumeRoleWithOIDC} (API version 2015-04-01) on 127.0.0.1, over HTTPS
 * as the service speaks it: the call is not signed, the OIDC token is the credential. It checks
 * the role and the OIDC provider it was set up with, and answers a token it was told to accept with
 * that token's temporary key and an expiry; any other token gets STS's
 * {@code InvalidParameter.OIDCToken} error. This is what an RRSA pod on ACK exchanges its projected
 * service-account token for.
 */
public final class StsEmulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Temporary credentials STS hands out for one OIDC token. */
    public record IssuedKey(String accessKeyId, String accessKeySecret, String securityToken, Duration validFor) {}

    /** One AssumeRoleWithOIDC call as received: its parameters, and whether it was answered with a key. */
    public record Call(Map<String, String> parameters, boolean issued) {}

    private final HttpsServer server;
    private final String roleArn;
    private final String oidcProviderArn;
    private final Map<String, IssuedKey> keysByToken = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private StsEmulator(HttpsServer server, String roleArn, String oidcProviderArn) {
        this.server = server;
        this.roleArn = roleArn;
        this.oidcProviderArn = oidcProviderArn;
    }

    /**
     * Serves on 127.0.0.1:{@code port} with {@code tls} (a certificate for the STS host name the
     * client resolves to 127.0.0.1).
     */
    public static StsEmulator start(int port, SSLContext tls, String roleArn, String oidcProviderArn)
            throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        StsEmulator sts = new StsEmulator(server, roleArn, oidcProviderArn);
        server.createContext("/", sts::handle);
        server.start();
        return sts;
    }

    /** From now on {@code oidcToken} is exchanged for {@code key}. */
    public void accept(String oidcToken, IssuedKey key) {
        keysByToken.put(oidcToken, key);
    }

    /** From now on {@code oidcToken} is refused (it expired, or its service account was removed). */
    public void refuse(String oidcToken) {
        keysByToken.remove(oidcToken);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> params = new HashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
        String requestId = UUID.randomUUID().toString().toUpperCase();
        String problem = problemWith(params);
        IssuedKey key = problem == null ? keysByToken.get(params.get("OIDCToken")) : null;
        calls.add(new Call(Map.copyOf(params), key != null));
        ObjectNode body = JSON.createObjectNode().put("RequestId", requestId);
        int status;
        if (problem != null) {
            status = 400;
            body.put("Code", "MissingParameter").put("Message", problem);
        } else if (key == null) {
            status = 400;
            body.put("Code", "InvalidParameter.OIDCToken").put("Message", "The specified OIDCToken is invalid.");
        } else {
            status = 200;
            String expiration = Instant.now()
                    .plus(key.validFor())
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
            body.putObject("Credentials")
                    .put("AccessKeyId", key.accessKeyId())
                    .put("AccessKeySecret", key.accessKeySecret())
                    .put("SecurityToken", key.securityToken())
                    .put("Expiration", expiration);
            body.putObject("AssumedRoleUser")
                    .put("Arn", roleArn + "/" + params.getOrDefault("RoleSessionName", ""))
                    .put("AssumedRoleId", "3" + Math.abs(roleArn.hashCode()) + ":" + params.get("RoleSessionName"));
            body.putObject("OIDCTokenInfo").put("Issuer", "https://oidc-ack.cn-hangzhou.aliyuncs.com");
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** What STS would reject before looking at the token, or null. */
    private String problemWith(Map<String, String> p) {
        if (!"AssumeRoleWithOIDC".equals(p.get("Action"))) return "Action must be AssumeRoleWithOIDC";
        if (!"2015-04-01".equals(p.get("Version"))) return "Version must be 2015-04-01";
        if (!roleArn.equals(p.get("RoleArn"))) return "RoleArn " + p.get("RoleArn") + " is not the role";
        if (!oidcProviderArn.equals(p.get("OIDCProviderArn"))) {
            return "OIDCProviderArn " + p.get("OIDCProviderArn") + " is not the provider";
        }
        if (p.get("OIDCToken") == null || p.get("OIDCToken").isEmpty()) return "OIDCToken is mandatory";
        return null;
    }

    private static void parseForm(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) return;
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            into.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
