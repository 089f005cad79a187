package io.datahubfcsync.local.fc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datahubfcsync.local.fc.InvocationAnswers.Answer;
import io.datahubfcsync.local.fc.InvocationAnswers.Lookup;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * FC 3.0's HTTP API (2023-03-30) as far as the project uses it: {@code POST
 * /2023-03-30/functions/{name}/invocations} and {@code GET /2023-03-30/functions/{name}}, both with an
 * optional {@code ?qualifier=}. Requests are authenticated with ACS3-HMAC-SHA256 as the service
 * does; answers are written the FC 3.0 way ({@link FcWire#FC3}): lower-case {@code x-fc-*} headers, error
 * body {@code {"Code","Message","RequestId"}}. Functions, faults and the invocation log are the
 * emulator's, shared with the FC 2.0 API; {@link InvocationAnswers} answers an invocation for both.
 */
final class Fc3ApiHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FcWire WIRE = FcWire.FC3;
    static final String API_VERSION = "2023-03-30";
    static final String API_PREFIX = "/" + API_VERSION + "/functions/";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final FcEmulator fc;
    private final RequestDates dates = new RequestDates(Instant::parse); // x-acs-date: yyyy-MM-ddTHH:mm:ssZ
    private final InvocationAnswers answers;

    Fc3ApiHandler(FcEmulator fc, ExecutorService asyncRuns) {
        this.fc = fc;
        this.answers = new InvocationAnswers(fc, WIRE, asyncRuns);
    }

    HttpMessage.Response handle(HttpMessage.Request req) throws Exception {
        String requestId = "1-" + UUID.randomUUID();
        String rawPath = req.rawPath();
        String rawQuery =
                req.rawTarget().length() > rawPath.length() ? req.rawTarget().substring(rawPath.length() + 1) : "";
        String[] parts = rawPath.substring(API_PREFIX.length()).split("/", -1);
        String function = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        boolean invoke = parts.length == 2 && parts[1].equals("invocations");
        if (function.isEmpty() || parts.length > 2 || (parts.length == 2 && !invoke)) {
            return error(requestId, 404, "PathNotSupported", "path '" + rawPath + "' is not supported");
        }
        String expectedMethod = invoke ? "POST" : "GET";
        if (!req.method().equals(expectedMethod)) {
            return error(
                    requestId, 405, "MethodNotAllowed", "method " + req.method() + " is not allowed on " + rawPath);
        }
        String qualifier = query(rawQuery).get("qualifier");
        if (qualifier != null && (qualifier.isEmpty() || qualifier.equals("LATEST"))) qualifier = null;
        if (!invoke) {
            HttpMessage.Response authError = authenticate(req, rawPath, rawQuery, "GetFunction", requestId);
            return authError != null ? authError : getFunction(function, qualifier, requestId);
        }
        InvocationAnswers.Call call = new InvocationAnswers.Call(requestId, null, qualifier, function);
        return answers.recorded(req, call, () -> invoke(req, rawPath, rawQuery, call));
    }

    private Answer invoke(HttpMessage.Request req, String rawPath, String rawQuery, InvocationAnswers.Call call)
            throws Exception {
        String requestId = call.requestId();
        HttpMessage.Response authError = authenticate(req, rawPath, rawQuery, "InvokeFunction", requestId);
        if (authError != null) return answers.httpError(authError);
        Answer rejected = answers.rejected(req, requestId);
        if (rejected != null) return rejected;
        Lookup found = lookup(call.function(), call.qualifier(), requestId);
        if (found.error() != null) return answers.httpError(found.error());
        return answers.run(req, call, found.function());
    }

    /**
     * The service's checks in order: an ACS3 Authorization, a known key, the body's hash, every
     * {@code x-acs-*} header signed, the signature, the clock, the STS token, the API version.
     */
    private HttpMessage.Response authenticate(
            HttpMessage.Request req, String rawPath, String rawQuery, String action, String requestId) {
        String header = req.header("Authorization");
        if (header == null) return error(requestId, 403, "AccessDenied", "missing Authorization header");
        Acs3Signature.Authorization auth = Acs3Signature.Authorization.parse(header);
        if (auth == null) {
            return error(
                    requestId,
                    403,
                    "AccessDenied",
                    "invalid Authorization header, expected '" + Acs3Signature.ALGORITHM
                            + " Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>'");
        }
        FcEmulator.Key key = fc.key(auth.accessKeyId());
        if (key == null) {
            return error(requestId, 403, "InvalidAccessKeyID", "invalid access key ID '" + auth.accessKeyId() + "'");
        }
        String hashedPayload = Acs3Signature.sha256Hex(req.body());
        String contentSha = req.header("x-acs-content-sha256");
        if (contentSha == null || !contentSha.equalsIgnoreCase(hashedPayload)) {
            return error(
                    requestId,
                    400,
                    "InvalidArgument",
                    "x-acs-content-sha256 does not match the SHA-256 of the" + " request body");
        }
        for (String required : new String[] {"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"}) {
            if (req.header(required) == null) {
                return error(requestId, 400, "MissingRequiredHeader", "missing required header '" + required + "'");
            }
        }
        for (HttpMessage.Header h : req.headers()) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            boolean mustBeSigned = lower.startsWith("x-acs-") || lower.equals("host");
            if (mustBeSigned && !auth.signedHeaders().contains(lower)) {
                return signatureMismatch(requestId);
            }
        }
        String canonical = Acs3Signature.canonicalRequest(
                req.method(), rawPath, rawQuery, req.headers(), auth.signedHeaders(), hashedPayload);
        String expected = Acs3Signature.sign(key.secret(), Acs3Signature.stringToSign(canonical));
        if (!Acs3Signature.matches(expected, auth.signature())) return signatureMismatch(requestId);
        String date = req.header("x-acs-date");
        Instant sent;
        try {
            sent = dates.parse(date);
        } catch (DateTimeParseException e) {
            return error(requestId, 400, "InvalidArgument", "x-acs-date '" + date + "' is not yyyy-MM-ddTHH:mm:ssZ");
        }
        Instant now = fc.now();
        if (Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0) {
            return error(
                    requestId,
                    403,
                    "RequestTimeTooSkewed",
                    "the difference between the request time '" + date
                            + "' and the server time '" + DateTimeFormatter.ISO_INSTANT.format(now)
                            + "' is more than 15 minutes");
        }
        String token = req.header("x-acs-security-token");
        if (key.securityToken() != null && !key.securityToken().equals(token)) {
            return error(requestId, 403, "InvalidSecurityToken", "the security token is missing or invalid");
        }
        if (!API_VERSION.equals(req.header("x-acs-version"))) {
            return error(requestId, 400, "InvalidArgument", "x-acs-version must be " + API_VERSION);
        }
        String actionHeader = req.header("x-acs-action");
        if (actionHeader != null && !actionHeader.equals(action)) {
            return error(
                    requestId,
                    400,
                    "InvalidArgument",
                    "x-acs-action '" + actionHeader + "' does not match " + req.method() + " " + rawPath);
        }
        return null;
    }

    private static HttpMessage.Response signatureMismatch(String requestId) {
        return error(
                requestId,
                403,
                "SignatureNotMatch",
                "The request signature we calculated does not match the"
                        + " signature you provided. Check your access key and signing method");
    }

    private Lookup lookup(String function, String qualifier, String requestId) {
        DeployedFunction f = fc.functions3().functions(qualifier).get(function);
        if (f != null) return Lookup.found(f);
        // FC 3.0 versions and aliases belong to a function: a missing qualifier of an existing function
        if (qualifier != null && fc.functions3().functions(null).containsKey(function)) {
            boolean version = qualifier.chars().allMatch(Character::isDigit);
            return Lookup.error(error(
                    requestId,
                    404,
                    version ? "VersionNotFound" : "AliasNotFound",
                    (version ? "version '" : "alias '") + qualifier + "' of function '" + function
                            + "' does not exist"));
        }
        return Lookup.error(
                error(requestId, 404, "FunctionNotFound", WIRE.standardMessage("FunctionNotFound", null, function)));
    }

    private HttpMessage.Response getFunction(String function, String qualifier, String requestId) {
        Lookup found = lookup(function, qualifier, requestId);
        if (found.error() != null) return found.error();
        DeployedFunction f = found.function();
        ObjectNode body = JSON.createObjectNode();
        body.put("functionId", f.functionId());
        body.put("functionName", f.name());
        body.put("functionArn", "acs:fc:" + fc.region() + ":" + fc.accountId() + ":functions/" + f.name());
        body.put("description", "hosted in-process by the local FC emulator");
        body.put("runtime", "java11");
        body.put("handler", f.handlerName());
        body.put("timeout", f.timeoutSeconds());
        body.put("memorySize", f.memoryMb());
        body.put("cpu", 0.35);
        body.put("diskSize", 512);
        body.put("codeSize", 0);
        body.put("codeChecksum", "0");
        body.put("state", "Active");
        body.put("createdTime", f.created().toString());
        body.put("lastModifiedTime", f.created().toString());
        body.putObject("environmentVariables");
        body.put("instanceConcurrency", 1);
        return WIRE.json(200, requestId, body);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> m = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return m;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            m.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    static HttpMessage.Response error(String requestId, int status, String code, String message) {
        return WIRE.error(requestId, status, code, message);
    }
}
