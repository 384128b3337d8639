package io.temporalcdc.invalidator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering the README promises, kept by the build. */
@AnalyzeClasses(packages = "io.temporalcdc.invalidator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * Only the redis and reader packages talk to Redis or PostgreSQL (besides the app that wires them, and the
     * configuration, which parses Redis URIs with Lettuce).
     */
    @ArchTest
    static final ArchRule onlyTheRedisPackagesUseTheClients = noClasses()
            .that()
            .resideInAPackage("io.temporalcdc.invalidator")
            .and()
            .doNotHaveSimpleName("CacheInvalidatorApp")
            .and()
            .doNotHaveSimpleName("CacheInvalidatorConfig")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.lettuce..", "java.sql..", "io.temporalcdc.invalidator.redis..");

    /** The topology builder is pure: no client, no I/O. */
    @ArchTest
    static final ArchRule topologyBuilderDoesNoIo = noClasses()
            .that()
            .haveSimpleNameStartingWith("CacheInvalidatorTopology")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.kafka.streams.KafkaStreams")
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net..", "java.sql..", "java.nio.file..", "io.lettuce..");

    /** The reader library stands alone: services embed it without the app. */
    @ArchTest
    static final ArchRule readerLibraryStandsAlone = noClasses()
            .that()
            .resideInAPackage("io.temporalcdc.invalidator.reader..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.temporalcdc.invalidator",
                    "io.temporalcdc.invalidator.redis..",
                    "io.temporalcdc.runtime..",
                    "org.apache.kafka..");

    /** Deployables share runtime and schemas only. */
    @ArchTest
    static final ArchRule dependsOnNoOtherDeployable = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.temporalcdc.cdcsource..",
                    "io.temporalcdc.indexer..",
                    "io.temporalcdc.demo..",
                    "io.temporalcdc.testsupport..");

    @ArchTest
    static final ArchRule logsInsteadOfPrinting = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
