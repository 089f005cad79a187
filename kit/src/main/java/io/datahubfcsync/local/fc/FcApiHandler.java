package io.datahubfcsync.local.fc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FC 2.0's HTTP API as far as the project uses it (FC 3.0's paths go to {@link Fc3ApiHandler}): authentication, routing, invocation, faults,
 * and the invocation log. Error answers use FC's exact body {@code {"ErrorCode","ErrorMessage"}}
 * (the SDK maps only these capitalised keys) and always carry {@code X-Fc-Request-Id}.
 */
final class FcApiHandler implements RawHttpServer.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(FcApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_PREFIX = "/2016-08-15/services/";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final int LOG_TAIL_BYTES = 4096;

    private final FcEmulator fc;
    private final ExecutorService asyncRuns = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fc-emulator-async");
        t.setDaemon(true);
        return t;
    });

    private final Fc3ApiHandler fc3;

    FcApiHandler(FcEmulator fc) {
        this.fc = fc;
        this.fc3 = new Fc3ApiHandler(fc, asyncRuns);
    }

    @Override
    public HttpMessage.Response handle(HttpMessage.Request req) throws Exception {
        if (req.rawPath().startsWith(Fc3ApiHandler.API_PREFIX)) return fc3.handle(req);
        String requestId = UUID.randomUUID().toString();
        String path = FcSignature.decodePath(req.rawPath());
        Route route = Route.parse(path);
        if (route == null) {
            return error(requestId, 400, "PathNotSupported", "path '" + path + "' is not supported");
        }
        boolean invoke = route.invocations;
        String expectedMethod = invoke ? "POST" : "GET";
        if (!req.method().equals(expectedMethod)) {
            return error(requestId, 405, "MethodNotAllowed", "method " + req.method() + " is not allowed on " + path);
        }
        if (!invoke) {
            HttpMessage.Response authError = authenticate(req, path, requestId);
            return authError != null ? authError : route.function == null
                    ? getService(route, requestId) : getFunction(route, requestId);
        }
        Instant received = Instant.now();
        long index = fc.invocations().nextIndex();
        fc.invocations().enter();
        try {
            Answer answer = invoke(req, path, route, requestId);
            fc.invocations().add(new InvocationRecord(index, route.service, route.qualifier,
                    route.function, req.body(), received, Instant.now(), answer.outcome, answer.response.status(),
                    requestId, answer.errorType, answer.injected));
            return answer.response;
        } finally {
            fc.invocations().exit();
        }
    }

    private Answer invoke(HttpMessage.Request req, String path, Route route, String requestId) throws Exception {
        HttpMessage.Response authError = authenticate(req, path, requestId);
        if (authError != null) return Answer.httpError(authError);
        String invocationType = req.header("X-Fc-Invocation-Type");
        boolean async = "Async".equals(invocationType);
        if (invocationType != null && !async && !"Sync".equals(invocationType)) {
            return Answer.httpError(error(requestId, 400, "InvalidArgument", "InvocationType is set to an invalid value"
                    + " (allowed: Sync | Async, actual: '" + invocationType + "')"));
        }
        String logType = req.header("X-Fc-Log-Type");
        if (logType != null && !logType.equals("Tail") && !logType.equals("None")) {
            return Answer.httpError(error(requestId, 400, "InvalidArgument",
                    "LogType is set to an invalid value (allowed: Tail | None, actual: '" + logType + "')"));
        }
        int limit = async ? FcEmulator.MAX_ASYNC_PAYLOAD_BYTES : FcEmulator.MAX_SYNC_PAYLOAD_BYTES;
        if (req.bodyLength() > limit) {
            return Answer.httpError(error(requestId, 400, "EntityTooLarge",
                    "payload size exceeds maximum allowed size (" + limit + " bytes)"));
        }
        String md5 = req.header("Content-MD5");
        if (md5 != null && !md5.equals(FcSignature.contentMd5(req.body()))) {
            return Answer.httpError(error(requestId, 400, "InvalidArgument",
                    "Content-MD5 '" + md5 + "' does not match the MD5 of the request body"));
        }
        Lookup found = lookup(route, requestId);
        if (found.error != null) return Answer.httpError(found.error);

        FaultPlan.Decision decision = fc.faults().decide(new InvocationTarget(route.service, route.function, req.body()));
        if (decision.latencyMillis() > 0) Thread.sleep(decision.latencyMillis());
        Fault fault = decision.answer();
        if (fault != null) return injected(fault, route, requestId);

        DeployedFunction function = found.function;
        LocalContext context = new LocalContext(requestId, function, route.qualifier);
        if (async) {
            asyncRuns.execute(() -> {
                DeployedFunction.Result r = function.invoke(req.body(), context);
                if (r.failed()) LOG.warn("async invocation {} of {}/{} failed: {}", requestId, route.service,
                        route.function, new String(r.body(), StandardCharsets.UTF_8));
            });
            return new Answer(base(202, requestId).build(), InvocationRecord.Outcome.ACCEPTED_ASYNC, null, false);
        }
        DeployedFunction.Result result = function.invoke(req.body(), context);
        HttpMessage.Response.Builder response = base(200, requestId)
                .header("Content-Type", result.failed() ? "application/json" : "application/octet-stream");
        if ("Tail".equals(logType)) response.header("X-Fc-Log-Result", logTail(context.logText()));
        if (result.failed()) {
            response.header("X-Fc-Error-Type", "UnhandledInvocationError");
            return new Answer(response.body(result.body()).build(), InvocationRecord.Outcome.FUNCTION_ERROR,
                    "UnhandledInvocationError", false);
        }
        return new Answer(response.body(result.body()).build(), InvocationRecord.Outcome.SUCCESS, null, false);
    }

    private Answer injected(Fault fault, Route route, String requestId) {
        switch (fault.kind()) {
            case DROP_CONNECTION:
                return new Answer(HttpMessage.Response.DROP, InvocationRecord.Outcome.DROPPED, null, true);
            case FUNCTION_ERROR:
            case HANDLED_FUNCTION_ERROR: {
                String type = fault.kind() == Fault.Kind.FUNCTION_ERROR ? "UnhandledInvocationError"
                        : "HandledInvocationError";
                byte[] body = DeployedFunction.errorBody(fault.message(), "java.lang.RuntimeException", null, null);
                HttpMessage.Response r = base(200, requestId).header("Content-Type", "application/json")
                        .header("X-Fc-Error-Type", type).body(body).build();
                return new Answer(r, InvocationRecord.Outcome.FUNCTION_ERROR, type, true);
            }
            case HTTP_ERROR: {
                if (fault.rawBody() != null) {
                    HttpMessage.Response.Builder b = base(fault.status(), requestId).body(fault.rawBody());
                    if (fault.rawContentType() != null) b.header("Content-Type", fault.rawContentType());
                    return new Answer(b.build(), InvocationRecord.Outcome.HTTP_ERROR, null, true);
                }
                String message = fault.message() != null ? fault.message()
                        : standardMessage(fault.errorCode(), route);
                return new Answer(error(requestId, fault.status(), fault.errorCode(), message),
                        InvocationRecord.Outcome.HTTP_ERROR, fault.errorCode(), true);
            }
            default:
                throw new IllegalStateException("not an answering fault: " + fault);
        }
    }

    private static String standardMessage(String code, Route route) {
        switch (code) {
            case "FunctionNotFound": return "function '" + route.function + "' does not exist in service '" + route.service + "'";
            case "ServiceNotFound": return "service '" + route.service + "' does not exist";
            default: return code;
        }
    }

    /**
     * FC's checks in the order the service applies them: header present, known key, signature,
     * clock skew, STS token, account.
     */
    private HttpMessage.Response authenticate(HttpMessage.Request req, String path, String requestId) {
        String authorization = req.header("Authorization");
        if (authorization == null) {
            return error(requestId, 403, "AccessDenied", "missing Authorization header");
        }
        if (!authorization.startsWith("FC ") || authorization.indexOf(':') < 0) {
            return error(requestId, 403, "AccessDenied", "invalid Authorization header, expected 'FC <accessKeyId>:<signature>'");
        }
        int colon = authorization.lastIndexOf(':');
        String accessKeyId = authorization.substring(3, colon);
        String signature = authorization.substring(colon + 1);
        FcEmulator.Key key = fc.key(accessKeyId);
        if (key == null) {
            return error(requestId, 403, "InvalidAccessKeyID", "invalid access key ID '" + accessKeyId + "'");
        }
        String date = req.header("Date");
        if (date == null) {
            return error(requestId, 400, "MissingRequiredHeader", "missing required header 'Date'");
        }
        String expected = FcSignature.sign(key.secret(), FcSignature.stringToSign(req.method(), path, req.headers()));
        if (!FcSignature.matches(expected, signature)) {
            return error(requestId, 403, "SignatureNotMatch", "The request signature we calculated does not match the"
                    + " signature you provided. Check your access key and signing method");
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return error(requestId, 400, "InvalidArgument", "Date '" + date + "' is not an RFC 1123 date");
        }
        Instant now = fc.now();
        if (Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0) {
            return error(requestId, 403, "RequestTimeTooSkewed", "the difference between the request time '" + date
                    + "' and the server time '" + DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            now.atZone(java.time.ZoneOffset.UTC)) + "' is more than 15 minutes");
        }
        String token = req.header("x-fc-security-token");
        if (key.securityToken() != null && !key.securityToken().equals(token)) {
            return error(requestId, 403, "InvalidSecurityToken", "the security token is missing or invalid");
        }
        String account = req.header("x-fc-account-id");
        if (account != null && !account.equals(fc.accountId())) {
            return error(requestId, 403, "AccessDenied", "account '" + account + "' does not match this endpoint's"
                    + " account; check fc.account-id");
        }
        return null;
    }

    private Lookup lookup(Route route, String requestId) {
        FcEmulator.ServiceEntry service = fc.service(route.service);
        if (service == null) {
            return Lookup.error(error(requestId, 404, "ServiceNotFound", "service '" + route.service + "' does not exist"));
        }
        String q = route.qualifier == null || route.qualifier.equals("LATEST") ? "" : route.qualifier;
        if (!q.isEmpty() && !service.hasQualifier(q)) {
            boolean version = q.chars().allMatch(Character::isDigit);
            return Lookup.error(error(requestId, 404, version ? "VersionNotFound" : "AliasNotFound",
                    (version ? "version '" : "alias '") + q + "' of service '" + route.service + "' does not exist"));
        }
        if (route.function == null) return new Lookup(null, null);
        DeployedFunction f = service.functions(q.isEmpty() ? null : q).get(route.function);
        if (f == null) {
            return Lookup.error(error(requestId, 404, "FunctionNotFound", "function '" + route.function
                    + "' does not exist in service '" + route.service + "'"));
        }
        return new Lookup(f, null);
    }

    private HttpMessage.Response getService(Route route, String requestId) {
        Lookup found = lookup(route, requestId);
        if (found.error != null) return found.error;
        FcEmulator.ServiceEntry s = fc.service(route.service);
        ObjectNode body = JSON.createObjectNode();
        body.put("serviceName", s.name);
        body.put("serviceId", s.serviceId);
        body.put("description", "local FC emulator service");
        body.put("role", "");
        body.putObject("logConfig").put("project", "").put("logstore", "");
        body.put("internetAccess", true);
        body.put("createdTime", s.created.toString());
        body.put("lastModifiedTime", s.created.toString());
        return json(200, requestId, body);
    }

    private HttpMessage.Response getFunction(Route route, String requestId) {
        Lookup found = lookup(route, requestId);
        if (found.error != null) return found.error;
        DeployedFunction f = found.function;
        ObjectNode body = JSON.createObjectNode();
        body.put("functionId", f.functionId());
        body.put("functionName", f.name());
        body.put("description", "hosted in-process by the local FC emulator");
        body.put("runtime", "java11");
        body.put("handler", f.handlerName());
        body.put("initializer", f.initializerName());
        body.put("timeout", f.timeoutSeconds());
        body.put("initializationTimeout", f.timeoutSeconds());
        body.put("memorySize", f.memoryMb());
        body.put("codeSize", 0); // the SDK's getCodeSize() unboxes it: it must be present
        body.put("codeChecksum", "0");
        body.put("createdTime", f.created().toString());
        body.put("lastModifiedTime", f.created().toString());
        body.putObject("environmentVariables");
        body.put("instanceConcurrency", 1);
        body.put("instanceType", "e1");
        return json(200, requestId, body);
    }

    static String logTail(String logText) {
        byte[] bytes = logText.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LOG_TAIL_BYTES) bytes = Arrays.copyOfRange(bytes, bytes.length - LOG_TAIL_BYTES, bytes.length);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static HttpMessage.Response.Builder base(int status, String requestId) {
        return HttpMessage.Response.status(status)
                .header("X-Fc-Request-Id", requestId)
                .header("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC)));
    }

    private static HttpMessage.Response json(int status, String requestId, ObjectNode body) {
        return base(status, requestId).header("Content-Type", "application/json").body(body.toString()).build();
    }

    static HttpMessage.Response error(String requestId, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ErrorCode", code);
        body.put("ErrorMessage", message);
        return json(status, requestId, body);
    }

    /** {@code /2016-08-15/services/{service}[.{qualifier}][/functions/{function}[/invocations]]}. */
    private static final class Route {
        final String service;
        final String qualifier;
        final String function;
        final boolean invocations;

        private Route(String service, String qualifier, String function, boolean invocations) {
            this.service = service;
            this.qualifier = qualifier;
            this.function = function;
            this.invocations = invocations;
        }

        static Route parse(String path) {
            if (!path.startsWith(API_PREFIX)) return null;
            String[] parts = path.substring(API_PREFIX.length()).split("/", -1);
            if (parts.length == 0 || parts[0].isEmpty()) return null;
            // service names cannot contain '.', so the first dot starts the qualifier
            int dot = parts[0].indexOf('.');
            String service = dot < 0 ? parts[0] : parts[0].substring(0, dot);
            String qualifier = dot < 0 ? null : parts[0].substring(dot + 1);
            if (qualifier != null && qualifier.isEmpty()) return null;
            if (parts.length == 1) return new Route(service, qualifier, null, false);
            if (!parts[1].equals("functions") || parts.length < 3 || parts[2].isEmpty()) return null;
            if (parts.length == 3) return new Route(service, qualifier, parts[2], false);
            if (parts.length == 4 && parts[3].equals("invocations")) return new Route(service, qualifier, parts[2], true);
            return null;
        }
    }

    private record Lookup(DeployedFunction function, HttpMessage.Response error) {
        static Lookup error(HttpMessage.Response error) {
            return new Lookup(null, error);
        }
    }

    private record Answer(HttpMessage.Response response, InvocationRecord.Outcome outcome, String errorType,
                          boolean injected) {
        static Answer httpError(HttpMessage.Response response) {
            return new Answer(response, InvocationRecord.Outcome.HTTP_ERROR, errorCodeOf(response), false);
        }

        private static String errorCodeOf(HttpMessage.Response response) {
            try {
                return JSON.readTree(response.body()).path("ErrorCode").asText(null);
            } catch (java.io.IOException e) {
                return null;
            }
        }
    }

}
