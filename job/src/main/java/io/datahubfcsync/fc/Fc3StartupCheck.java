package io.datahubfcsync.fc;

import com.aliyun.fc20230330.Client;
import com.aliyun.fc20230330.models.Function;
import com.aliyun.fc20230330.models.GetFunctionRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.tea.TeaUnretryableException;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.fc.FcStartupCheck.FcStartupCheckException;
import io.datahubfcsync.fc.FcStartupCheck.FunctionInfo;
import java.util.HashMap;

/**
 * The start-up check for FC 3.0: GetFunction with the qualifier. Every failure becomes one
 * paragraph naming the function, the endpoint and what to check, as for FC 2.0; no secret in it.
 */
final class Fc3StartupCheck {
    private Fc3StartupCheck() {}

    static FunctionInfo verify(FcConnection c) {
        Client client;
        try {
            c.credentials().current(); // a clear message for absent credentials before any call
            client = Fc3Clients.create(c);
        } catch (CredentialsSource.MissingCredentialsException e) {
            throw new FcStartupCheckException(
                    "Cannot check FC function " + c.functionPath() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new FcStartupCheckException(
                    "Cannot check FC function " + c.functionPath() + " at " + c.endpoint() + ": " + e.getMessage(), e);
        }
        try {
            GetFunctionRequest request = new GetFunctionRequest();
            if (c.qualifier() != null) request.setQualifier(c.qualifier());
            Function f = client.getFunctionWithOptions(
                            c.function(), request, new HashMap<>(), Fc3Clients.singleAttempt(c))
                    .getBody();
            return new FunctionInfo(null, f.getFunctionName(), f.getRuntime(), f.getHandler(), f.getTimeout());
        } catch (Exception e) {
            throw new FcStartupCheckException(explain(c, e), e);
        }
    }

    static String explain(FcConnection c, Exception e) {
        String where = " at " + c.endpoint() + " (account " + c.accountId() + ", FC 3.0 API 2023-03-30)";
        if (e instanceof TeaUnretryableException) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            return "Cannot reach FC endpoint " + c.endpoint() + " to check " + c.functionPath() + ": " + root
                    + ". Check fc.endpoint and the network (an -internal endpoint is reachable only from inside its"
                    + " region).";
        }
        if (e instanceof TeaException) {
            TeaException te = (TeaException) e;
            int status = te.getStatusCode() == null ? 0 : te.getStatusCode();
            String code = String.valueOf(te.getCode());
            Object message =
                    te.getData() == null ? te.getMessage() : te.getData().getOrDefault("Message", te.getMessage());
            Object requestId = te.getData() == null ? null : te.getData().get("RequestId");
            String detail = " [" + code + ": " + message + ", requestId " + requestId + "]";
            switch (code) {
                case "FunctionNotFound":
                    return "FC function '" + c.function() + "' does not exist" + where
                            + ". Check fc.function, fc.endpoint"
                            + " (region) and fc.account-id; a function of an FC 2.0 service needs --fc.api-version"
                            + " 2016-08-15 and --fc.service." + detail;
                case "AliasNotFound":
                case "VersionNotFound":
                    return "FC qualifier '" + c.qualifier() + "' of function '" + c.function() + "' does not exist"
                            + where + ". Check fc.qualifier." + detail;
                case "SignatureNotMatch":
                case "SignatureDoesNotMatch":
                    return "FC rejected the signature of the check of " + c.functionPath() + where + ": the access key"
                            + " secret from " + c.credentials().describe() + " does not belong to its key id."
                            + " Check the secret." + detail;
                default:
                    if (status == 401 || status == 403) {
                        return "FC refused access to " + c.functionPath() + where + " with the credentials from "
                                + c.credentials().describe() + ". Check the access key and that its RAM policy allows"
                                + " fc:GetFunction and fc:InvokeFunction on the function." + detail;
                    }
                    if (status >= 500) {
                        return "FC answered HTTP " + status + " while checking " + c.functionPath() + where
                                + "; the service may be unavailable, try again." + detail;
                    }
                    return "FC rejected the check of " + c.functionPath() + where + " with HTTP " + status + "."
                            + detail;
            }
        }
        return "Unexpected " + e.getClass().getName() + " from the FC 3.0 SDK while checking " + c.functionPath()
                + where + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
