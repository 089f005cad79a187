package io.datahubfcsync.credentials;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * Where the job finds its Alibaba Cloud credentials, resolved on every TaskManager at run time.
 *
 * <p>Only the <em>location</em> is serializable and travels in the job graph; the secret itself is
 * read where the job runs: by default from Alibaba Cloud's standard credential chain (system
 * properties, environment variables, OIDC/RRSA, CLI profile, credentials.ini, ECS RAM role,
 * credentials URI; see {@link StandardCredentialChain}), whose temporary credentials refresh
 * themselves, or from the project's own credentials file ({@code credentials.file}) that is re-read
 * when it changes, so rotated STS tokens are picked up without a restart. The Flink UI shows job
 * parameters to everyone, which is why secrets are never parameters.
 *
 * <p>File format: {@code key = value} lines; {@code #}/{@code ;} comments and {@code [section]}
 * headers are ignored. Keys are the environment variable names or the Alibaba Cloud CLI's
 * {@code access_key_id}, {@code access_key_secret}, {@code security_token}.
 */
public final class CredentialsSource implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    public static final String ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    public static final String ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN";

    /** How often a credentials file is checked for changes at most. */
    private static final long FILE_CHECK_INTERVAL_MS = 1_000;

    private final String file; // null: environment or the standard chain
    private final boolean standardChain;

    private transient Function<String, String> env;
    private transient volatile StandardCredentialChain chain;
    private transient volatile AccessCredentials cached;
    private transient volatile FileTime cachedMtime;
    private transient volatile long cachedSize;
    private transient volatile long lastCheckMs;

    private CredentialsSource(String file, boolean standardChain, Function<String, String> env) {
        this.file = file;
        this.standardChain = standardChain;
        this.env = env;
    }

    /** The standard Alibaba Cloud credential chain, the job's default. */
    public static CredentialsSource standardChain() {
        return new CredentialsSource(null, true, System::getenv);
    }

    /** Credentials from the process environment only. */
    public static CredentialsSource fromEnvironment() {
        return new CredentialsSource(null, false, System::getenv);
    }

    /** Credentials from a file, re-read when its modification time or size changes. */
    public static CredentialsSource fromFile(String path) {
        return new CredentialsSource(path, false, System::getenv);
    }

    /** Credentials from an environment given as a map. */
    @VisibleForTesting
    public static CredentialsSource fromEnvironment(Map<String, String> environment) {
        return new CredentialsSource(null, false, environment::get);
    }

    /** Human description of where credentials come from; never includes a secret. */
    public String describe() {
        if (file != null) return "credentials file " + file;
        if (!standardChain) return "environment variables " + ENV_ACCESS_KEY_ID + " / " + ENV_ACCESS_KEY_SECRET;
        StandardCredentialChain c = chain;
        String answered = c == null ? null : c.lastSource();
        return "the standard Alibaba Cloud credential chain" + (answered != null ? " (" + answered + ")" : "");
    }

    /**
     * The current credentials.
     *
     * @throws MissingCredentialsException naming what is missing and how to provide it
     */
    public AccessCredentials current() {
        if (file != null) return fromFileCached();
        return standardChain ? chain().current() : fromEnv();
    }

    private StandardCredentialChain chain() {
        StandardCredentialChain c = chain;
        if (c == null) {
            synchronized (this) {
                c = chain;
                if (c == null) {
                    c = new StandardCredentialChain();
                    chain = c;
                }
            }
        }
        return c;
    }

    private AccessCredentials fromEnv() {
        AccessCredentials c = cached;
        if (c != null) return c;
        Function<String, String> e = env != null ? env : System::getenv;
        String id = trimToNull(e.apply(ENV_ACCESS_KEY_ID));
        String secret = trimToNull(e.apply(ENV_ACCESS_KEY_SECRET));
        if (id == null || secret == null) {
            throw new MissingCredentialsException(
                    "No Alibaba Cloud credentials: set the environment variables " + ENV_ACCESS_KEY_ID
                            + " and " + ENV_ACCESS_KEY_SECRET + " (and " + ENV_SECURITY_TOKEN
                            + " for STS) on every Flink process, or pass --credentials.file <path>. "
                            + "Missing: " + (id == null ? ENV_ACCESS_KEY_ID + " " : "")
                            + (secret == null ? ENV_ACCESS_KEY_SECRET : "").trim());
        }
        c = new AccessCredentials(id, secret, trimToNull(e.apply(ENV_SECURITY_TOKEN)));
        cached = c;
        return c;
    }

    private AccessCredentials fromFileCached() {
        long now = System.currentTimeMillis();
        AccessCredentials c = cached;
        if (c != null && now - lastCheckMs < FILE_CHECK_INTERVAL_MS) return c;
        synchronized (this) {
            Path p = Paths.get(file);
            try {
                FileTime mtime = Files.getLastModifiedTime(p);
                long size = Files.size(p);
                if (cached == null || !mtime.equals(cachedMtime) || size != cachedSize) {
                    cached = parse(Files.readAllLines(p, StandardCharsets.UTF_8));
                    cachedMtime = mtime;
                    cachedSize = size;
                }
                lastCheckMs = now;
                return cached;
            } catch (NoSuchFileException e) {
                throw new MissingCredentialsException("credentials.file " + file + " does not exist");
            } catch (IOException e) {
                if (cached != null) return cached; // keep the last good key through a transient read error
                throw new MissingCredentialsException("credentials.file " + file + " cannot be read: "
                        + e.getClass().getSimpleName());
            }
        }
    }

    private AccessCredentials parse(List<String> lines) {
        Map<String, String> kv = new HashMap<>();
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) continue;
            kv.put(
                    line.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                    line.substring(eq + 1).trim());
        }
        String id = first(kv, "access_key_id", ENV_ACCESS_KEY_ID);
        String secret = first(kv, "access_key_secret", ENV_ACCESS_KEY_SECRET);
        if (id == null || secret == null) {
            throw new MissingCredentialsException("credentials.file " + file
                    + " must define access_key_id and access_key_secret (or " + ENV_ACCESS_KEY_ID + " and "
                    + ENV_ACCESS_KEY_SECRET + "), optionally security_token");
        }
        return new AccessCredentials(id, secret, first(kv, "security_token", ENV_SECURITY_TOKEN));
    }

    private static String first(Map<String, String> kv, String a, String b) {
        String v = trimToNull(kv.get(a));
        return v != null ? v : trimToNull(kv.get(b.toLowerCase(Locale.ROOT)));
    }

    private static String trimToNull(String s) {
        if (s == null) return null;
        s = s.trim();
        return s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "CredentialsSource{" + describe() + '}';
    }

    /** Credentials are absent or unreadable; the message says what to do and never holds a secret. */
    public static final class MissingCredentialsException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public MissingCredentialsException(String message) {
            super(message);
        }
    }
}
