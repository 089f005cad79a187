package io.datahubfcsync.fc;

import com.aliyuncs.fc.client.FunctionComputeClient;
import com.aliyuncs.fc.exceptions.ClientException;
import com.aliyuncs.fc.exceptions.ServerException;
import com.aliyuncs.fc.request.GetFunctionRequest;
import com.aliyuncs.fc.request.GetServiceRequest;
import com.aliyuncs.fc.response.GetFunctionResponse;
import io.datahubfcsync.credentials.AccessCredentials;
import io.datahubfcsync.credentials.CredentialsSource;

/**
 * Before the job starts: does the configured FC function (and, with FC 2.0, its service) exist, and
 * do the credentials work? Calls GetService and GetFunction (FC 2.0) or GetFunction with the
 * qualifier (FC 3.0) and turns every failure into one
 * {@link FcStartupCheckException} whose message names the function, the endpoint and what to check.
 * The SDK exception is attached as the cause, never used as the headline; no secret is in any message.
 */
public final class FcStartupCheck {
    private FcStartupCheck() {}

    /** What FC reports about the function, e.g. to compare its timeout with {@code fc.read-timeout}. */
    public record FunctionInfo(
            String service, String function, String runtime, String handler, Integer timeoutSeconds) {}

    public static FunctionInfo verify(FcConnection c) {
        if (c.apiVersion() == FcApiVersion.V3_2023_03_30) return Fc3StartupCheck.verify(c);
        FunctionComputeClient client;
        try {
            AccessCredentials credentials = c.credentials().current();
            client = FcClients.create(c, credentials);
        } catch (CredentialsSource.MissingCredentialsException e) {
            throw new FcStartupCheckException(
                    "Cannot check FC function " + c.functionPath() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new FcStartupCheckException(
                    "Cannot check FC function " + c.functionPath() + " at " + c.endpoint()
                            + ": the FC SDK rejected the settings (" + e.getMessage() + ")",
                    e);
        }
        try {
            GetServiceRequest serviceRequest = new GetServiceRequest(c.service());
            if (c.qualifier() != null) serviceRequest.setQualifier(c.qualifier());
            client.getService(serviceRequest);
            GetFunctionRequest functionRequest = new GetFunctionRequest(c.service(), c.function());
            if (c.qualifier() != null) functionRequest.setQualifier(c.qualifier());
            GetFunctionResponse f = client.getFunction(functionRequest);
            return new FunctionInfo(c.service(), f.getFunctionName(), f.getRuntime(), f.getHandler(), f.getTimeout());
        } catch (RuntimeException e) {
            throw new FcStartupCheckException(explain(c, e), e);
        }
    }

    static String explain(FcConnection c, RuntimeException e) {
        String where = " at " + c.endpoint() + " (account " + c.accountId() + ")";
        if (e instanceof ClientException) {
            ClientException ce = (ClientException) e;
            String code = String.valueOf(ce.getErrorCode());
            String detail = " [" + code + ": " + ce.getErrorMessage() + ", requestId " + ce.getRequestId() + "]";
            switch (code) {
                case "ServiceNotFound":
                    return "FC service '" + c.service() + "' does not exist" + where + ". Check fc.service, fc.endpoint"
                            + " (region) and fc.account-id." + detail;
                case "FunctionNotFound":
                    return "FC function '" + c.function() + "' does not exist in service '" + c.service() + "'" + where
                            + ". Check fc.function" + (c.qualifier() != null ? " and fc.qualifier" : "") + "." + detail;
                case "AliasNotFound":
                case "VersionNotFound":
                    return "FC qualifier '" + c.qualifier() + "' of service '" + c.service() + "' does not exist"
                            + where + ". Check fc.qualifier." + detail;
                case "SDK.ServerUnreachable":
                    return "Cannot reach FC endpoint " + c.endpoint() + " to check " + c.functionPath() + ": "
                            + ce.getErrorMessage() + ". Check fc.endpoint and the network (an -internal endpoint is"
                            + " reachable only from inside its region).";
                default:
                    if (ce.getStatusCode() == 403) {
                        return "FC refused access to " + c.functionPath() + where + " with the credentials from "
                                + c.credentials().describe() + ". Check the access key and that its RAM policy allows"
                                + " fc:GetService, fc:GetFunction and fc:InvokeFunction." + detail;
                    }
                    return "FC rejected the check of " + c.functionPath() + where + " with HTTP " + ce.getStatusCode()
                            + "." + detail;
            }
        }
        if (e instanceof ServerException) {
            ServerException se = (ServerException) e;
            return "FC answered HTTP " + se.getStatusCode() + " while checking " + c.functionPath() + where
                    + "; the service may be unavailable, try again. [" + se.getErrorCode() + ": " + se.getErrorMessage()
                    + ", requestId " + se.getRequestId() + "]";
        }
        return "Unexpected " + e.getClass().getName() + " from the FC SDK while checking " + c.functionPath() + where
                + (e.getMessage() != null ? ": " + e.getMessage() : "")
                + (e.getClass().getName().endsWith("InaccessibleObjectException")
                        ? ". Start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED."
                        : "");
    }

    /** A failed start-up check; the message is meant for the user as is. */
    public static final class FcStartupCheckException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public FcStartupCheckException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
