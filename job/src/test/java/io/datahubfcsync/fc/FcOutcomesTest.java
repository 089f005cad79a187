package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyuncs.fc.exceptions.ClientException;
import com.aliyuncs.fc.exceptions.ServerException;
import com.aliyuncs.fc.response.InvokeFunctionResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Classification of SDK answers that the emulator cannot easily produce (header spelling, odd exceptions). */
class FcOutcomesTest {

    @Test
    void lowerCaseHeadersFromAProxyStillClassifyAsFunctionError() {
        InvokeFunctionResponse response = new InvokeFunctionResponse();
        response.setStatus(200);
        Map<String, String> headers = new HashMap<>();
        headers.put("x-fc-request-id", "req-1");
        headers.put("x-fc-error-type", "UnhandledInvocationError");
        response.setHeaders(headers);
        response.setContent("{\"errorMessage\":\"bad\",\"errorType\":\"X\"}".getBytes(StandardCharsets.UTF_8));

        InvocationResult r = FcOutcomes.fromResponse(response, 5, 1);

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.requestId()).isEqualTo("req-1");
        assertThat(r.errorMessage()).isEqualTo("bad");
    }

    @Test
    void nonJsonFunctionErrorBodyIsKeptAsTextAndTruncated() {
        assertThat(FcOutcomes.functionErrorMessage("plain failure".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("plain failure");
        assertThat(FcOutcomes.functionErrorMessage("x".repeat(5000).getBytes(StandardCharsets.UTF_8)))
                .hasSize(1003)
                .endsWith("...");
    }

    @Test
    void throttleCodesOnOtherStatusesAreThrottled() {
        ServerException busy = new ServerException("ResourceThrottled", "busy", "req-2");
        busy.setStatusCode(503);

        InvocationResult r = FcOutcomes.fromException(busy, 1, 1, 503);

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.THROTTLED);
        assertThat(r.requestId()).isEqualTo("req-2");
    }

    @Test
    void sdkValidationErrorIsAClientError() {
        InvocationResult r = FcOutcomes.fromException(new ClientException("Service name cannot be blank"), 1, 0, 0);

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
    }

    @Test
    void inaccessibleObjectExceptionExplainsTheJvmFlag() {
        RuntimeException e = new java.lang.reflect.InaccessibleObjectException("Unable to make field accessible");

        InvocationResult r = FcOutcomes.fromException(e, 1, 1, 0);

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(r.errorMessage()).contains("--add-opens java.base/java.lang=ALL-UNNAMED");
    }
}
