package io.spotmatch.book;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The engine and the settlement arithmetic are plain Java: no Flink, no Kafka, no JDBC, no floating
 * point types in their API.
 */
@AnalyzeClasses(
        packages = {"io.spotmatch.book", "io.spotmatch.ledger"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class BookArchitectureTest {

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
