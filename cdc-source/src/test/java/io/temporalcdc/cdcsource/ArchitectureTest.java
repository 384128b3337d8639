package io.temporalcdc.cdcsource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.apache.kafka.clients.producer.Producer;

/** cdc-source's boundaries, kept by the build. */
@AnalyzeClasses(packages = "io.temporalcdc.cdcsource", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Deployables share runtime and schemas only. */
    @ArchTest
    static final ArchRule dependsOnNoOtherDeployable = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.temporalcdc.indexer..", "io.temporalcdc.demo..", "io.temporalcdc.testsupport..");

    /**
     * Records leave only through the change consumer, which marks them processed after Kafka's
     * acknowledgement; the app only creates the producer.
     */
    @ArchTest
    static final ArchRule onlyTheChangeConsumerSends = noClasses()
            .that()
            .doNotHaveSimpleName("KafkaChangeConsumer")
            .and()
            .doNotHaveSimpleName("CdcSourceApp")
            .should()
            .dependOnClassesThat()
            .areAssignableTo(Producer.class);

    @ArchTest
    static final ArchRule logsInsteadOfPrinting = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
