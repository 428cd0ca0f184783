package io.spotmatch.job.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which code may use which, over both modules (the job module's test classpath sees all of it;
 * the engine's own rules are in {@code BookArchitectureTest}): the layers point one way,
 * production code never reaches test-only or local code, and test classes are named for what
 * they need.
 */
class ArchitectureTest {

    /** Everything that exists only for tests and local runs: never reachable from the shaded jar's classes. */
    static final String[] TEST_ONLY = {
        "io.spotmatch.job.local..",
        "io.spotmatch.job.load..",
        "io.spotmatch.load..",
        "io.spotmatch.bench..",
        "io.zonky..",
        "kafka..",
        "org.apache.kafka.server..",
        "org.apache.kafka.raft..",
        "org.apache.kafka.metadata..",
        "org.apache.flink.runtime.minicluster..",
        "org.apache.flink.test..",
        "org.apache.flink.streaming.util..",
        "org.junit..",
        "org.assertj..",
        "org.openjdk.jmh..",
        "org.HdrHistogram..",
        "com.tngtech.archunit..",
        "org.apache.logging.log4j.core.."
    };

    static JavaClasses production;
    static JavaClasses tests;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.spotmatch");
        tests = new ClassFileImporter()
                .withImportOption(location -> location.contains("/test-classes/") || location.contains("-tests.jar"))
                .importPackages("io.spotmatch");
    }

    @Test
    void adaptersNeverReachTheJob() {
        noClasses()
                .that()
                .resideInAnyPackage("io.spotmatch.flink..", "io.spotmatch.wire..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.spotmatch.job..")
                .check(production);
    }

    @Test
    void wireFormatKnowsNothingOfFlink() {
        noClasses()
                .that()
                .resideInAPackage("io.spotmatch.wire..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.spotmatch.flink..", "org.apache.flink..")
                .check(production);
    }

    @Test
    void productionNeverReachesTestOnlyOrLocalCode() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(TEST_ONLY);
        rule.check(production);
    }

    @Test
    void productionClassesExist() {
        // The rules above pass vacuously on an empty import: make sure they saw the code.
        classes()
                .that()
                .haveFullyQualifiedName("io.spotmatch.job.SpotMatchJob")
                .should()
                .bePublic()
                .check(production);
        classes()
                .that()
                .haveFullyQualifiedName("io.spotmatch.flink.MatchOperator")
                .should()
                .bePublic()
                .check(production);
        classes()
                .that()
                .haveFullyQualifiedName("io.spotmatch.job.local.LocalRunner")
                .should()
                .bePublic()
                .check(tests);
    }

    @Test
    void unitTestsRunNoClusterAndNoServers() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Test")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("MiniClusterExtension")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("RealServers")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("EmbeddedKafka")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("EmbeddedPostgres")
                .because("a *Test is a unit test (surefire); tests with a cluster or servers are *ITCase (failsafe)")
                .check(tests);
    }

    @Test
    void testClassesAreNamedTestOrITCase() {
        classes()
                .that()
                .containAnyMethodsThat(
                        DescribedPredicate.describe("are @Test methods", m -> m.isAnnotatedWith(Test.class)))
                .should()
                .haveSimpleNameEndingWith("Test")
                .orShould()
                .haveSimpleNameEndingWith("ITCase")
                .because("surefire runs *Test and failsafe runs *ITCase: anything else never runs")
                .check(tests);
    }
}
