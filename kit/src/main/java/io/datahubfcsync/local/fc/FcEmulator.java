package io.datahubfcsync.local.fc;

import com.aliyun.fc.runtime.StreamRequestHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A local Alibaba Cloud Function Compute endpoint that the real FC Java SDKs talk to unchanged, for
 * both APIs: FC 2.0 (2016-08-15: services, FC signature, InvokeFunction / GetService / GetFunction)
 * and FC 3.0 (2023-03-30: functions without services, ACS3-HMAC-SHA256 signature, InvokeFunction /
 * GetFunction with {@code ?qualifier=}). Signed requests verified, real FC Java functions
 * ({@link StreamRequestHandler}) hosted in-process, every invocation recorded, faults injectable.
 *
 * <pre>{@code
 * try (FcEmulator fc = FcEmulator.start()) {
 *     fc.deployFunction("svc", "fn", new MyHandler());
 *     // point the SDK at fc.endpoint(), account fc.accountId(), key FcEmulator.DEFAULT_ACCESS_KEY_ID
 * }
 * }</pre>
 */
public final class FcEmulator implements AutoCloseable {
    /** The key pair accepted by default; the build's tests export it as the standard environment variables. */
    public static final String DEFAULT_ACCESS_KEY_ID = "LTAI-local-test-key";

    public static final String DEFAULT_ACCESS_KEY_SECRET = "local-test-secret-do-not-use";
    public static final String DEFAULT_ACCOUNT_ID = "1234567890123456";
    public static final String DEFAULT_REGION = "cn-hangzhou";
    /**
     * The service's limit for a synchronous invocation's request body. The emulator states it as FC
     * does rather than taking the job's figure: the kit stands for the service and uses no job code.
     */
    public static final int MAX_SYNC_PAYLOAD_BYTES = 32 * 1024 * 1024;

    public static final int MAX_ASYNC_PAYLOAD_BYTES = 128 * 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,127}");
    private static final Pattern QUALIFIER = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final String accountId;
    private final String region;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, ServiceEntry> services = new ConcurrentHashMap<>();
    /** FC 3.0 functions, per qualifier; they belong to no service. */
    private final ServiceEntry functions3 = new ServiceEntry(null);

    private final FaultPlan faults = new FaultPlan();
    private final InvocationLog invocations;
    private volatile Duration clockSkew = Duration.ZERO;
    private final RawHttpServer server;

    private FcEmulator(Builder b) {
        this.accountId = b.accountId;
        this.region = b.region;
        this.invocations = new InvocationLog(b.logCapacity);
        keys.put(b.accessKeyId, new Key(b.accessKeySecret, null));
        try {
            // keep one byte more than the limit so an oversized body is recognised without holding it
            this.server = RawHttpServer.start("fc-emulator", new FcApiHandler(this), MAX_SYNC_PAYLOAD_BYTES + 1L);
        } catch (IOException e) {
            throw new UncheckedIOException("FC emulator could not open a port on 127.0.0.1", e);
        }
    }

    /** Starts an emulator with the defaults on a free port. */
    public static FcEmulator start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}, the value for the SDK's endpoint and for {@code fc.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public String accountId() {
        return accountId;
    }

    public String region() {
        return region;
    }

    public FaultPlan faults() {
        return faults;
    }

    public InvocationLog invocations() {
        return invocations;
    }

    /** Creates an empty service (GetService succeeds, its functions do not exist yet). */
    public FcEmulator createService(String service) {
        requireName("service", service);
        services.computeIfAbsent(service, ServiceEntry::new);
        return this;
    }

    /** Deploys {@code handler} as {@code service/function} (LATEST), timeout 60 s. */
    public FcEmulator deployFunction(String service, String function, StreamRequestHandler handler) {
        return deployFunction(service, null, function, handler, 60);
    }

    /** Deploys {@code handler} under an alias or version of the service ({@code qualifier}, null for LATEST). */
    public FcEmulator deployFunction(String service, String qualifier, String function, StreamRequestHandler handler) {
        return deployFunction(service, qualifier, function, handler, 60);
    }

    /** Deploys a function class (public no-argument constructor), as FC loads a handler. */
    public FcEmulator deployFunction(String service, String function, Class<? extends StreamRequestHandler> type) {
        try {
            return deployFunction(
                    service, function, type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    "cannot instantiate function class " + type.getName()
                            + ": it needs a public no-argument constructor",
                    e);
        }
    }

    public FcEmulator deployFunction(
            String service, String qualifier, String function, StreamRequestHandler handler, int timeoutSeconds) {
        requireName("service", service);
        requireName("function", function);
        requireDeployable(qualifier, timeoutSeconds);
        services.computeIfAbsent(service, ServiceEntry::new)
                .functions(qualifier)
                .put(function, new DeployedFunction(service, qualifier, function, handler, timeoutSeconds, 512));
        return this;
    }

    /**
     * Deploys {@code handler} as the FC 3.0 function {@code function} (reached through the 2023-03-30
     * API, which has no services) under {@code qualifier} (an alias or version, null for LATEST).
     */
    public FcEmulator deployFunction3(String function, String qualifier, StreamRequestHandler handler) {
        return deployFunction3(function, qualifier, handler, 60);
    }

    /** Deploys an FC 3.0 function at LATEST. */
    public FcEmulator deployFunction3(String function, StreamRequestHandler handler) {
        return deployFunction3(function, null, handler, 60);
    }

    public FcEmulator deployFunction3(
            String function, String qualifier, StreamRequestHandler handler, int timeoutSeconds) {
        requireName("function", function);
        requireDeployable(qualifier, timeoutSeconds);
        functions3
                .functions(qualifier)
                .put(function, new DeployedFunction(null, qualifier, function, handler, timeoutSeconds, 512));
        return this;
    }

    /** Removes an FC 3.0 function; later calls get 404 FunctionNotFound. */
    public boolean removeFunction3(String qualifier, String function) {
        return functions3.functions(qualifier).remove(function) != null;
    }

    ServiceEntry functions3() {
        return functions3;
    }

    /** Removes a function; later calls get 404 FunctionNotFound. */
    public boolean removeFunction(String service, String qualifier, String function) {
        ServiceEntry s = services.get(service);
        return s != null && s.functions(qualifier).remove(function) != null;
    }

    /** Accepts another long-term key pair. */
    public FcEmulator addAccessKey(String accessKeyId, String accessKeySecret) {
        keys.put(Objects.requireNonNull(accessKeyId), new Key(Objects.requireNonNull(accessKeySecret), null));
        return this;
    }

    /**
     * Accepts an STS key pair that must come with {@code securityToken} ({@code x-fc-security-token}
     * in FC 2.0, {@code x-acs-security-token} in FC 3.0).
     */
    public FcEmulator addStsCredentials(String accessKeyId, String accessKeySecret, String securityToken) {
        keys.put(
                Objects.requireNonNull(accessKeyId),
                new Key(Objects.requireNonNull(accessKeySecret), Objects.requireNonNull(securityToken)));
        return this;
    }

    /** Revokes a key; its requests get 403 InvalidAccessKeyID. */
    public FcEmulator removeAccessKey(String accessKeyId) {
        keys.remove(accessKeyId);
        return this;
    }

    /** Shifts the emulator's clock, to test the 15-minute Date check. */
    public void setClockSkew(Duration skew) {
        this.clockSkew = Objects.requireNonNull(skew);
    }

    Instant now() {
        return Instant.now().plus(clockSkew);
    }

    Key key(String accessKeyId) {
        return keys.get(accessKeyId);
    }

    ServiceEntry service(String name) {
        return services.get(name);
    }

    @Override
    public void close() {
        server.close();
    }

    /** A qualifier FC accepts (null for LATEST, which cannot be named) and a timeout within FC's range. */
    private static void requireDeployable(String qualifier, int timeoutSeconds) {
        if (qualifier != null && (!QUALIFIER.matcher(qualifier).matches() || qualifier.equals("LATEST"))) {
            throw new IllegalArgumentException(
                    "qualifier '" + qualifier + "' must match " + QUALIFIER + " (use null for LATEST)");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw new IllegalArgumentException("timeoutSeconds must be in 1..86400, got " + timeoutSeconds);
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' must match " + NAME);
        }
    }

    record Key(String secret, String securityToken) {}

    /** A service and its functions per qualifier ("" = LATEST). */
    static final class ServiceEntry {
        final String name;
        final String serviceId = UUID.randomUUID().toString();
        final Instant created = Instant.now();
        private final Map<String, Map<String, DeployedFunction>> byQualifier = new ConcurrentHashMap<>();

        ServiceEntry(String name) {
            this.name = name;
        }

        Map<String, DeployedFunction> functions(String qualifier) {
            return byQualifier.computeIfAbsent(qualifier == null ? "" : qualifier, q -> new ConcurrentHashMap<>());
        }

        boolean hasQualifier(String qualifier) {
            return byQualifier.containsKey(qualifier);
        }
    }

    public static final class Builder {
        private String accountId = DEFAULT_ACCOUNT_ID;
        private String region = DEFAULT_REGION;
        private String accessKeyId = DEFAULT_ACCESS_KEY_ID;
        private String accessKeySecret = DEFAULT_ACCESS_KEY_SECRET;
        private int logCapacity = 50_000;

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId);
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        /** Replaces the default key pair. */
        public Builder accessKey(String accessKeyId, String accessKeySecret) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId);
            this.accessKeySecret = Objects.requireNonNull(accessKeySecret);
            return this;
        }

        /** How many invocation records (with payloads) are kept; counters always cover all. */
        public Builder invocationLogCapacity(int records) {
            this.logCapacity = records;
            return this;
        }

        public FcEmulator start() {
            return new FcEmulator(this);
        }
    }
}
