package io.datahubfcsync.local.fc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datahubfcsync.local.fc.InvocationAnswers.Answer;
import io.datahubfcsync.local.fc.InvocationAnswers.Lookup;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * FC 2.0's HTTP API as far as the project uses it (FC 3.0's paths go to {@link Fc3ApiHandler}): routing,
 * authentication, GetService / GetFunction, and the FC 2.0 parts of an invocation (the Content-MD5
 * check, the service and qualifier lookup); {@link InvocationAnswers} does the rest of it. Answers are
 * written the FC 2.0 way ({@link FcWire#FC2}): error body {@code {"ErrorCode","ErrorMessage"}} (the SDK
 * maps only these capitalised keys), always with {@code X-Fc-Request-Id}.
 */
final class FcApiHandler implements RawHttpServer.Handler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FcWire WIRE = FcWire.FC2;
    private static final String API_PREFIX = "/2016-08-15/services/";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final FcEmulator fc;
    private final RequestDates dates = new RequestDates(text ->
            ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()); // Date header
    private final ExecutorService asyncRuns = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fc-emulator-async");
        t.setDaemon(true);
        return t;
    });

    private final InvocationAnswers answers;
    private final Fc3ApiHandler fc3;

    FcApiHandler(FcEmulator fc) {
        this.fc = fc;
        this.answers = new InvocationAnswers(fc, WIRE, asyncRuns);
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
            return authError != null
                    ? authError
                    : route.function == null ? getService(route, requestId) : getFunction(route, requestId);
        }
        InvocationAnswers.Call call =
                new InvocationAnswers.Call(requestId, route.service, route.qualifier, route.function);
        return answers.recorded(req, call, () -> invoke(req, path, route, call));
    }

    private Answer invoke(HttpMessage.Request req, String path, Route route, InvocationAnswers.Call call)
            throws Exception {
        String requestId = call.requestId();
        HttpMessage.Response authError = authenticate(req, path, requestId);
        if (authError != null) return answers.httpError(authError);
        Answer rejected = answers.rejected(req, requestId);
        if (rejected != null) return rejected;
        String md5 = req.header("Content-MD5");
        if (md5 != null && !md5.equals(FcSignature.contentMd5(req.body()))) {
            return answers.httpError(error(
                    requestId,
                    400,
                    "InvalidArgument",
                    "Content-MD5 '" + md5 + "' does not match the MD5 of the request body"));
        }
        Lookup found = lookup(route, requestId);
        if (found.error() != null) return answers.httpError(found.error());
        return answers.run(req, call, found.function());
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
            return error(
                    requestId,
                    403,
                    "AccessDenied",
                    "invalid Authorization header, expected 'FC <accessKeyId>:<signature>'");
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
            return error(
                    requestId,
                    403,
                    "SignatureNotMatch",
                    "The request signature we calculated does not match the"
                            + " signature you provided. Check your access key and signing method");
        }
        Instant sent;
        try {
            sent = dates.parse(date);
        } catch (DateTimeParseException e) {
            return error(requestId, 400, "InvalidArgument", "Date '" + date + "' is not an RFC 1123 date");
        }
        Instant now = fc.now();
        if (Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0) {
            return error(
                    requestId,
                    403,
                    "RequestTimeTooSkewed",
                    "the difference between the request time '" + date
                            + "' and the server time '"
                            + DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(java.time.ZoneOffset.UTC))
                            + "' is more than 15 minutes");
        }
        String token = req.header("x-fc-security-token");
        if (key.securityToken() != null && !key.securityToken().equals(token)) {
            return error(requestId, 403, "InvalidSecurityToken", "the security token is missing or invalid");
        }
        String account = req.header("x-fc-account-id");
        if (account != null && !account.equals(fc.accountId())) {
            return error(
                    requestId,
                    403,
                    "AccessDenied",
                    "account '" + account + "' does not match this endpoint's" + " account; check fc.account-id");
        }
        return null;
    }

    private Lookup lookup(Route route, String requestId) {
        FcEmulator.ServiceEntry service = fc.service(route.service);
        if (service == null) {
            return Lookup.error(error(
                    requestId,
                    404,
                    "ServiceNotFound",
                    WIRE.standardMessage("ServiceNotFound", route.service, route.function)));
        }
        String q = route.qualifier == null || route.qualifier.equals("LATEST") ? "" : route.qualifier;
        if (!q.isEmpty() && !service.hasQualifier(q)) {
            boolean version = q.chars().allMatch(Character::isDigit);
            return Lookup.error(error(
                    requestId,
                    404,
                    version ? "VersionNotFound" : "AliasNotFound",
                    (version ? "version '" : "alias '") + q + "' of service '" + route.service + "' does not exist"));
        }
        if (route.function == null) return Lookup.found(null);
        DeployedFunction f = service.functions(q.isEmpty() ? null : q).get(route.function);
        if (f == null) {
            return Lookup.error(error(
                    requestId,
                    404,
                    "FunctionNotFound",
                    WIRE.standardMessage("FunctionNotFound", route.service, route.function)));
        }
        return Lookup.found(f);
    }

    private HttpMessage.Response getService(Route route, String requestId) {
        Lookup found = lookup(route, requestId);
        if (found.error() != null) return found.error();
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
        return WIRE.json(200, requestId, body);
    }

    private HttpMessage.Response getFunction(Route route, String requestId) {
        Lookup found = lookup(route, requestId);
        if (found.error() != null) return found.error();
        DeployedFunction f = found.function();
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
        return WIRE.json(200, requestId, body);
    }

    static HttpMessage.Response error(String requestId, int status, String code, String message) {
        return WIRE.error(requestId, status, code, message);
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
            if (parts.length == 4 && parts[3].equals("invocations"))
                return new Route(service, qualifier, parts[2], true);
            return null;
        }
    }
}
