package io.datahubfcsync.job;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for {@code datahub.endpoint} and {@code fc.endpoint}: HTTPS to Alibaba Cloud, plain HTTP only
 * to this machine (the local kit).
 */
final class Endpoints {
    /** {@code <account>.<region>-internal.fc.aliyuncs.com} (internal) or {@code <account>.<region>.fc.aliyuncs.com} (public). */
    private static final Pattern FC_HOST = Pattern.compile("(\\d+)\\.([a-z0-9-]+?)(-internal)?\\.fc\\.aliyuncs\\.com");
    /** The form printed in DataHub's connector page, which is not a resolvable FC host. */
    private static final Pattern FC_DOC_HOST =
            Pattern.compile("(\\d+)\\.fc\\.([a-z0-9-]+?)(-internal)?\\.aliyuncs\\.com");

    private Endpoints() {}

    /** What an FC endpoint says about itself. */
    static final class FcHost {
        final String accountId; // null if not derivable (loopback, custom host)
        final String region;
        final boolean internal;
        final boolean loopback;

        FcHost(String accountId, String region, boolean internal, boolean loopback) {
            this.accountId = accountId;
            this.region = region;
            this.internal = internal;
            this.loopback = loopback;
        }
    }

    /**
     * Checks scheme and host; returns the parsed URI.
     *
     * @throws IllegalArgumentException with the rule that was broken
     */
    static URI checkUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("expected https://<host>[:port]");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(
                    "http:// is only allowed for loopback addresses (the local kit); use https://");
        }
        if (uri.getPath() != null && uri.getPath().length() > 1) {
            throw new IllegalArgumentException("must not have a path (" + uri.getPath() + ")");
        }
        return uri;
    }

    static FcHost describeFc(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (isLoopback(host)) return new FcHost(null, null, true, true);
        Matcher m = FC_HOST.matcher(host);
        if (m.matches()) return new FcHost(m.group(1), m.group(2), m.group(3) != null, false);
        return new FcHost(null, null, false, false);
    }

    /** A helpful rewrite when the user copied the connector page's endpoint form. */
    static Optional<String> suggestFcHost(URI uri) {
        Matcher m = FC_DOC_HOST.matcher(uri.getHost().toLowerCase(Locale.ROOT));
        if (!m.matches()) return Optional.empty();
        return Optional.of("https://" + m.group(1) + "." + m.group(2) + "-internal.fc.aliyuncs.com");
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) return false; // only literal addresses: never resolve names here
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
