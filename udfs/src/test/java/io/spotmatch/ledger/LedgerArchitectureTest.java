package io.spotmatch.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Settlement arithmetic is plain Java like the engine: no Flink, no Kafka, no JDBC, no floating point. */
@AnalyzeClasses(packages = "io.spotmatch.ledger", importOptions = ImportOption.DoNotIncludeTests.class)
class LedgerArchitectureTest {

    @ArchTest
    static final ArchRule noFrameworks = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.flink..",
                    "org.apache.kafka..",
                    "java.sql..",
                    "com.fasterxml..",
                    "io.spotmatch.flink..",
                    "io.spotmatch.wire..",
                    "io.spotmatch.job..");

    @ArchTest
    static final ArchRule noFloatingPoint = noClasses()
            .should()
            .dependOnClassesThat()
            .areAssignableTo(double.class)
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(float.class)
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(Double.class)
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(Float.class);
}
