package io.temporalcdc.crossregion;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering the README promises, kept by the build. */
@AnalyzeClasses(packages = "io.temporalcdc.crossregion", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The topology builder and the ledger's rules are pure: no client, no I/O. */
    @ArchTest
    static final ArchRule topologyDoesNoIo = noClasses()
            .that()
            .haveSimpleNameStartingWith("CrossRegionTopology")
            .or()
            .haveSimpleNameStartingWith("ReplicationLedger")
            .or()
            .haveSimpleNameStartingWith("RowVersions")
            .or()
            .haveSimpleNameStartingWith("RowState")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.kafka.streams.KafkaStreams")
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net..", "java.sql..", "java.nio.file..", "com.sun.net.httpserver..");

    /** Deployables share runtime and schemas only. */
    @ArchTest
    static final ArchRule dependsOnNoOtherDeployable = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.temporalcdc.cdcsource..",
                    "io.temporalcdc.indexer..",
                    "io.temporalcdc.invalidator..",
                    "io.temporalcdc.metrics..",
                    "io.temporalcdc.demo..",
                    "io.temporalcdc.testsupport..");

    @ArchTest
    static final ArchRule logsInsteadOfPrinting = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
