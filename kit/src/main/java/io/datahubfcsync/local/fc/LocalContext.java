package io.datahubfcsync.local.fc;

import com.aliyun.fc.runtime.Context;
import com.aliyun.fc.runtime.Credentials;
import com.aliyun.fc.runtime.FunctionComputeLogger;
import com.aliyun.fc.runtime.FunctionParam;
import com.aliyun.fc.runtime.OpenTracing;
import com.aliyun.fc.runtime.Service;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The {@link Context} a hosted function receives. Its logger writes to the emulator's log (logger
 * {@code fc.<service>.<function>}) and keeps the text so {@code X-Fc-Log-Type: Tail} can return it,
 * as FC does. Execution credentials are empty: locally there is no service role.
 */
final class LocalContext implements Context {
    private final String requestId;
    private final DeployedFunction function;
    private final String qualifier;
    private final CapturingLogger logger;

    LocalContext(String requestId, DeployedFunction function, String qualifier) {
        this.requestId = requestId;
        this.function = function;
        this.qualifier = qualifier;
        this.logger = new CapturingLogger(requestId, function.logger());
    }

    /** Everything the function logged during this request, in FC's line format. */
    String logText() {
        return logger.text();
    }

    @Override
    public String getRequestId() {
        return requestId;
    }

    @Override
    public Credentials getExecutionCredentials() {
        return new Credentials() {
            @Override
            public String getAccessKeyId() {
                return "";
            }

            @Override
            public String getAccessKeySecret() {
                return "";
            }

            @Override
            public String getSecurityToken() {
                return "";
            }
        };
    }

    @Override
    public FunctionParam getFunctionParam() {
        return new FunctionParam() {
            @Override
            public String getFunctionName() {
                return function.name();
            }

            @Override
            public String getFunctionHandler() {
                return function.handlerName();
            }

            @Override
            public String getFunctionInitializer() {
                return function.initializerName();
            }

            @Override
            public int getExecTimeLimitInMillis() {
                return function.timeoutSeconds() * 1000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return function.memoryMb();
            }
        };
    }

    @Override
    public Service getService() {
        return new Service() {
            @Override
            public String getName() {
                return function.service() != null ? function.service() : "";
            }

            @Override
            public String getLogProject() {
                return "";
            }

            @Override
            public String getLogStore() {
                return "";
            }

            @Override
            public String getQualifier() {
                return qualifier == null ? "LATEST" : qualifier;
            }

            @Override
            public String getVersionId() {
                return "";
            }
        };
    }

    @Override
    public FunctionComputeLogger getLogger() {
        return logger;
    }

    @Override
    public OpenTracing getTracing() {
        return new OpenTracing() {
            @Override
            public String getSpanContext() {
                return "";
            }

            @Override
            public Map<String, String> getSpanBaggages() {
                return Map.of();
            }

            @Override
            public String getJaegerEndpoint() {
                return "";
            }
        };
    }

    @Override
    public int getRetryCount() {
        return 0;
    }

    private static final class CapturingLogger implements FunctionComputeLogger {
        private final String requestId;
        private final Logger sink;
        private final StringBuilder text = new StringBuilder();
        private volatile Level level = Level.INFO;

        CapturingLogger(String requestId, Logger sink) {
            this.requestId = requestId;
            this.sink = sink;
        }

        synchronized String text() {
            return text.toString();
        }

        private void log(Level at, String message) {
            if (at.ordinal() < level.ordinal()) return;
            synchronized (this) {
                text.append(Instant.now())
                        .append(' ')
                        .append(requestId)
                        .append(" [")
                        .append(at)
                        .append("] ")
                        .append(message)
                        .append('\n');
            }
            switch (at) {
                case TRACE:
                    sink.trace("{} {}", requestId, message);
                    break;
                case DEBUG:
                    sink.debug("{} {}", requestId, message);
                    break;
                case INFO:
                    sink.info("{} {}", requestId, message);
                    break;
                case WARN:
                    sink.warn("{} {}", requestId, message);
                    break;
                default:
                    sink.error("{} {}", requestId, message);
                    break;
            }
        }

        @Override
        public void trace(String s) {
            log(Level.TRACE, s);
        }

        @Override
        public void debug(String s) {
            log(Level.DEBUG, s);
        }

        @Override
        public void info(String s) {
            log(Level.INFO, s);
        }

        @Override
        public void warn(String s) {
            log(Level.WARN, s);
        }

        @Override
        public void error(String s) {
            log(Level.ERROR, s);
        }

        @Override
        public void fatal(String s) {
            log(Level.FATAL, s);
        }

        @Override
        public void setLogLevel(Level l) {
            level = l;
        }
    }
}
