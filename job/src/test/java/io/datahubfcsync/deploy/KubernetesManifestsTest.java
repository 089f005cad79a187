package io.datahubfcsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.datahubfcsync.testing.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code deploy/kubernetes} as the API server would take them, offline: every
 * FlinkDeployment validates against the Flink Kubernetes Operator 1.15 CRD's OpenAPI schema (kept
 * in test resources), with unknown fields rejected where the API server would silently prune them;
 * and what the job needs to start is there (the OSS plugin for oss:// storage, where its key comes
 * from, the RRSA label and annotation).
 */
class KubernetesManifestsTest {
    private static final Path DEPLOY = RepoFiles.resolve("deploy", "kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static Schema flinkDeploymentSchema() throws IOException {
        JsonNode crd;
        try (InputStream in =
                KubernetesManifestsTest.class.getResourceAsStream("/k8s/flinkdeployments.flink.apache.org-v1.yml")) {
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("name").asText().equals("v1beta1"))
                schema = version.path("schema").path("openAPIV3Schema");
        }
        assertThat(schema).as("v1beta1 schema in the CRD").isNotNull();
        ObjectNode strict = schema.deepCopy();
        // apiVersion, kind and metadata are the API server's own, not in the CRD's schema: the root stays open
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        strict.path("properties").fields();
                it.hasNext(); ) {
            closeObjects(it.next().getValue());
        }
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(SchemaLocation.of("urn:flinkdeployment-v1beta1"), strict);
    }

    /**
     * The API server drops fields a structural schema does not declare (unless it says
     * x-kubernetes-preserve-unknown-fields): a typo would vanish without a word, so here it is an error.
     */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                    && !o.has("additionalProperties")) {
                o.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); )
                closeObjects(it.next().getValue());
        } else if (node != null && node.isArray()) {
            for (JsonNode n : node) closeObjects(n);
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            for (Iterator<JsonNode> it = new ObjectMapper().readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode d = it.next();
                if (d != null && !d.isEmpty()) docs.add(d);
            }
        }
        return docs;
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> flinkDeployments() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path m : manifests()) {
            for (JsonNode d : documents(m)) if (d.path("kind").asText().equals("FlinkDeployment")) out.add(d);
        }
        return out;
    }

    @Test
    void everyFlinkDeploymentValidatesAgainstTheOperator115Schema() throws IOException {
        Schema schema = flinkDeploymentSchema();
        List<JsonNode> deployments = flinkDeployments();
        assertThat(deployments).as("the Secret variant and the RRSA variant").hasSize(2);
        for (JsonNode d : deployments) {
            List<Error> errors = schema.validate(d);
            assertThat(errors)
                    .as(d.path("metadata").path("name").asText() + " in "
                            + d.path("metadata").path("namespace"))
                    .extracting(Error::toString)
                    .isEmpty();
            assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(d.path("spec").path("flinkVersion").asText()).isEqualTo("v2_3");
        }
    }

    @Test
    void theValidationCatchesAMisspelledFieldAndAnUnknownFlinkVersion() throws IOException {
        Schema schema = flinkDeploymentSchema();
        ObjectNode typo = flinkDeployments().get(0).deepCopy();
        ((ObjectNode) typo.path("spec")).set("podTemplte", typo.path("spec").path("podTemplate"));
        ObjectNode version = flinkDeployments().get(0).deepCopy();
        ((ObjectNode) version.path("spec")).put("flinkVersion", "v9_9");

        assertThat(schema.validate(typo)).extracting(Error::toString).anyMatch(e -> e.contains("podTemplte"));
        assertThat(schema.validate(version)).isNotEmpty();
    }

    @Test
    void ossStorageHasItsPluginEnabledAndItsKeyFromTheEnvironmentNeverFromTheFlinkConfiguration() throws IOException {
        for (JsonNode d : flinkDeployments()) {
            JsonNode conf = d.path("spec").path("flinkConfiguration");
            boolean usesOss = conf.toString().contains("oss://");
            assertThat(usesOss).isTrue();
            JsonNode container = d.path("spec")
                    .path("podTemplate")
                    .path("spec")
                    .path("containers")
                    .get(0);
            assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
            assertThat(container.path("env").toString())
                    .contains("ENABLE_BUILT_IN_PLUGINS")
                    .contains("flink-oss-fs-hadoop-2.3.0.jar");
            assertThat(conf.path("fs.oss.credentials.provider").asText())
                    .isEqualTo("com.aliyun.oss.common.auth.EnvironmentVariableCredentialsProvider");
            assertThat(conf.path("fs.oss.endpoint").asText()).isNotBlank();
            assertThat(conf.toString()).doesNotContain("accessKeySecret").doesNotContain("accessKeyId");
            assertThat(container.path("envFrom").toString()).contains("secretRef");
            assertThat(d.path("spec").path("job").path("args").toString())
                    .as("secrets are never job parameters")
                    .doesNotContain("SECRET");
        }
    }

    @Test
    void theRrsaVariantLabelsTheNamespaceAndAnnotatesTheServiceAccountTheDeploymentUses() throws IOException {
        List<JsonNode> docs = documents(DEPLOY.resolve("flink-deployment-rrsa.yaml"));
        JsonNode namespace = docs.stream()
                .filter(d -> d.path("kind").asText().equals("Namespace"))
                .findFirst()
                .orElseThrow();
        JsonNode account = docs.stream()
                .filter(d -> d.path("kind").asText().equals("ServiceAccount"))
                .findFirst()
                .orElseThrow();
        JsonNode deployment = docs.stream()
                .filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                .findFirst()
                .orElseThrow();

        assertThat(namespace
                        .path("metadata")
                        .path("labels")
                        .path("pod-identity.alibabacloud.com/injection")
                        .asText())
                .isEqualTo("on");
        assertThat(account.path("metadata")
                        .path("annotations")
                        .path("pod-identity.alibabacloud.com/role-name")
                        .asText())
                .isNotBlank();
        assertThat(deployment.path("spec").path("serviceAccount").asText())
                .isEqualTo(account.path("metadata").path("name").asText());
        assertThat(deployment.path("metadata").path("namespace").asText())
                .isEqualTo(namespace.path("metadata").path("name").asText())
                .isEqualTo(account.path("metadata").path("namespace").asText());
        assertThat(deployment.path("spec").path("podTemplate").toString())
                .as("no DataHub/FC key in the RRSA variant")
                .doesNotContain("ALIBABA_CLOUD_ACCESS_KEY");
    }
}
