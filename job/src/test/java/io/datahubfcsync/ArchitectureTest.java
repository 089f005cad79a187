package io.datahubfcsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.datahubfcsync.job.DataHubFcSyncJob;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the job's own code (the classes of this module only, not the kit's or the
 * tests'): vendor SDKs stay behind their seams, the local kit never reaches the cluster jar, and
 * packages do not depend on each other in circles. The kit cannot import the job at all: its
 * module does not depend on this one.
 */
class ArchitectureTest {
    /** The packages allowed to talk to an Alibaba Cloud SDK: the seams, one per service, and the credential chain. */
    private static final String[] SDK_SEAMS = {
        "io.datahubfcsync.datahub..", "io.datahubfcsync.fc..", "io.datahubfcsync.credentials.."
    };

    private static JavaClasses job;

    @BeforeAll
    static void importTheJobsClasses() throws URISyntaxException {
        Path classes = Path.of(DataHubFcSyncJob.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        job = new ClassFileImporter().importPath(classes);
    }

    @Test
    void onlyTheSeamPackagesUseAnAlibabaCloudSdk() {
        noClasses()
                .that()
                .resideOutsideOfPackages(SDK_SEAMS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.aliyun..", "com.aliyuncs..")
                .because(
                        "the job talks to DataHub and FC through its own interfaces and types, so SDK changes and errors stay in one place")
                .check(job);
    }

    @Test
    void nothingInTheJobUsesTheLocalKitOrTheFunctionComputeRuntime() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.datahubfcsync.local..", "com.aliyun.fc.runtime..")
                .because("the emulators and the functions they host never ship to a cluster")
                .check(job);
    }

    @Test
    void packagesDoNotDependOnEachOtherInCircles() {
        slices().matching("io.datahubfcsync.(**)").should().beFreeOfCycles().check(job);
    }
}
