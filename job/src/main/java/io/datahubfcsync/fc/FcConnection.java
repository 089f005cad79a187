package io.datahubfcsync.fc;

import io.datahubfcsync.credentials.CredentialsSource;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything needed to call one FC function through the FC 2.0 API (service + function) or the
 * FC 3.0 API (function only), safe to put in the job graph: the credentials are only a
 * {@link CredentialsSource} (where to read them on the TaskManager), never the secret.
 */
public final class FcConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The FC SDK's own checks on region and account id (its Config rejects anything else). */
    private static final Pattern SDK_ID = Pattern.compile("[A-Za-z0-9_-]+");

    private final FcApiVersion apiVersion;
    private final String endpoint;
    private final String accountId;
    private final String region;
    private final String service; // null with FC 3.0
    private final String function;
    private final String qualifier; // null: LATEST
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final CredentialsSource credentials;

    private FcConnection(Builder b) {
        this.service = b.service == null || b.service.isBlank() ? null : b.service.trim();
        this.apiVersion = b.apiVersion != null ? b.apiVersion : FcOptions.defaultApiVersion(service);
        FcOptions.serviceProblem(apiVersion, service).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        this.endpoint = stripTrailingSlashes(require("fc.endpoint", b.endpoint));
        this.accountId = requireId("fc.account-id", b.accountId);
        this.region = requireId("region", b.region);
        this.function = require(FcOptions.FC_FUNCTION.key(), b.function);
        this.qualifier = b.qualifier == null || b.qualifier.isBlank() ? null : b.qualifier.trim();
        this.connectTimeoutMillis = toMillis("fc.connect-timeout", b.connectTimeout);
        this.readTimeoutMillis = toMillis(FcOptions.FC_READ_TIMEOUT.key(), b.readTimeout);
        this.credentials = Objects.requireNonNull(b.credentials, "credentials");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new IllegalArgumentException("fc.endpoint '" + endpoint + "' must start with https:// (or http:// "
                    + "for a local emulator), e.g. https://<account_id>.<region>-internal.fc.aliyuncs.com");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public FcApiVersion apiVersion() {
        return apiVersion;
    }

    public String endpoint() {
        return endpoint;
    }

    public String accountId() {
        return accountId;
    }

    public String region() {
        return region;
    }
    /** The FC 2.0 service, null with FC 3.0. */
    public String service() {
        return service;
    }

    public String function() {
        return function;
    }
    /** Alias or version, or null for LATEST. */
    public String qualifier() {
        return qualifier;
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    public CredentialsSource credentials() {
        return credentials;
    }

    /**
     * How the function is named in messages: FC 2.0's {@code service[.qualifier]/function}, FC 3.0's
     * {@code function[:qualifier]}.
     */
    public String functionPath() {
        if (apiVersion == FcApiVersion.V3_2023_03_30) return function + (qualifier != null ? ":" + qualifier : "");
        return service + (qualifier != null ? "." + qualifier : "") + '/' + function;
    }

    /** Builds an invoker per subtask, speaking the configured API version. */
    public FunctionInvokerFactory invokerFactory() {
        return apiVersion == FcApiVersion.V3_2023_03_30
                ? new Fc3FunctionInvokerFactory(this)
                : new SdkFunctionInvokerFactory(this);
    }

    @Override
    public String toString() {
        return "FcConnection{FC " + apiVersion + " " + functionPath() + " at " + endpoint + ", account " + accountId
                + ", region " + region
                + ", connectTimeout=" + connectTimeoutMillis + "ms, readTimeout=" + readTimeoutMillis + "ms, "
                + credentials + '}';
    }

    private static String require(String key, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(key + " is required");
        return value.trim();
    }

    private static String requireId(String key, String value) {
        String v = require(key, value);
        if (!SDK_ID.matcher(v).matches()) {
            throw new IllegalArgumentException(key + " '" + v + "' may contain only letters, digits, '-' and '_'");
        }
        return v;
    }

    private static int toMillis(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    key + " must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + d);
        }
        return (int) d.toMillis();
    }

    private static String stripTrailingSlashes(String endpoint) {
        String e = endpoint;
        while (e.endsWith("/")) e = e.substring(0, e.length() - 1); // the SDK appends the path verbatim
        return e;
    }

    public static final class Builder {
        private FcApiVersion apiVersion; // null: 3.0 without a service, 2.0 with one
        private String endpoint;
        private String accountId;
        private String region;
        private String service;
        private String function;
        private String qualifier;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = FcOptions.FC_READ_TIMEOUT.defaultValue();
        private CredentialsSource credentials = CredentialsSource.standardChain();

        /** The API to call; by default FC 3.0 when no service is given, FC 2.0 when one is. */
        public Builder apiVersion(FcApiVersion apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder service(String service) {
            this.service = service;
            return this;
        }

        public Builder function(String function) {
            this.function = function;
            return this;
        }

        public Builder qualifier(String qualifier) {
            this.qualifier = qualifier;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }
        /** Per invocation; should exceed the function's own timeout, or slow runs count as failed attempts. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        public Builder credentials(CredentialsSource credentials) {
            this.credentials = credentials;
            return this;
        }

        public FcConnection build() {
            return new FcConnection(this);
        }
    }
}
