package io.datahubfcsync.testing;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import java.util.Map;

/**
 * Connections of the job's own kinds aimed at the local emulators, with the emulators' test key
 * pair: what the job would build from its parameters, so the real SDKs do the talking.
 */
public final class KitConnections {
    private KitConnections() {}

    /** The emulators' test key pair, taken as the job takes keys from its environment. */
    public static CredentialsSource testKeys() {
        return CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET, DataHubEmulator.TEST_ACCESS_KEY_SECRET));
    }

    /** DataHub over protobuf (the SDK's default) with the test keys. */
    public static DataHubConnection dataHub(DataHubEmulator emulator) {
        return dataHub(emulator, DataHubProtocol.PROTOBUF);
    }

    public static DataHubConnection dataHub(DataHubEmulator emulator, DataHubProtocol protocol) {
        return new DataHubConnection(emulator.endpoint(), protocol, testKeys());
    }

    /** The emulator's FC 2.0 function {@code service/function}; credentials as the builder's default. */
    public static FcConnection.Builder fc(FcEmulator emulator, String service, String function) {
        return FcConnection.builder()
                .endpoint(emulator.endpoint())
                .accountId(emulator.accountId())
                .region(emulator.region())
                .service(service)
                .function(function);
    }
}
