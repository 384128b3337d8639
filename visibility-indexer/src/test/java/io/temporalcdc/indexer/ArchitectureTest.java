package io.temporalcdc.indexer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/** The layering the README promises, kept by the build. */
@AnalyzeClasses(packages = "io.temporalcdc.indexer", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Only the {@code elasticsearch} package talks to Elasticsearch; the topology sees the EsWriter interface. */
    @ArchTest
    static final ArchRule onlyTheElasticsearchPackageUsesTheClient = noClasses()
            .that()
            .resideInAPackage("io.temporalcdc.indexer")
            .and()
            .doNotHaveSimpleName("VisibilityIndexerApp")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("co.elastic..", "io.temporalcdc.indexer.elasticsearch..");

    /** The topology builder is pure: no client, no I/O. */
    @ArchTest
    static final ArchRule topologyBuilderDoesNoIo = noClasses()
            .that()
            .haveSimpleName("VisibilityIndexerTopology")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.kafka.streams.KafkaStreams")
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.net..", "java.sql..", "java.nio.file..");

    /** Deployables share runtime and schemas only. */
    @ArchTest
    static final ArchRule dependsOnNoOtherDeployable = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.temporalcdc.cdcsource..", "io.temporalcdc.demo..", "io.temporalcdc.testsupport..");

    @ArchTest
    static final ArchRule logsInsteadOfPrinting = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
