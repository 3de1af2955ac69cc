package io.credflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer rule of docs/architecture.md: dependencies point down only. The store implements
 * repository interfaces that the domain declares (ports and adapters), so the store may use domain
 * types, and the domain never sees the store. Shared kernels (common, crypto, logging, outbound)
 * sit below everything.
 */
class LayerRulesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.credflow");
  }

  @Test
  void layersWhenCheckedThenNoLowerLayerUsesAHigherOne() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("Root")
        .definedBy("io.credflow")
        .layer("Cli")
        .definedBy("io.credflow.cli..")
        .layer("Api")
        .definedBy("io.credflow.api..")
        .layer("Console")
        .definedBy("io.credflow.console..")
        .layer("Demo")
        .definedBy("io.credflow.demo..")
        .layer("Flow")
        .definedBy("io.credflow.flow..")
        .layer("Webhook")
        .definedBy("io.credflow.webhook..")
        .layer("Executor")
        .definedBy("io.credflow.executor..")
        .layer("OAuth")
        .definedBy("io.credflow.oauth..")
        .layer("Credential")
        .definedBy("io.credflow.credential..")
        .layer("AuthClient")
        .definedBy("io.credflow.authclient..")
        .layer("Component")
        .definedBy("io.credflow.component..")
        .layer("Account")
        .definedBy("io.credflow.account..")
        .layer("Tenancy")
        .definedBy("io.credflow.tenancy..")
        .layer("Store")
        .definedBy("io.credflow.store..")
        .layer("Audit")
        .definedBy("io.credflow.audit..")
        .layer("Kernel")
        .definedBy(
            "io.credflow.common..",
            "io.credflow.crypto..",
            "io.credflow.logging..",
            "io.credflow.outbound..")
        .whereLayer("Cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Root")
        .mayOnlyBeAccessedByLayers("Cli")
        .whereLayer("Api")
        .mayOnlyBeAccessedByLayers("Root", "Cli")
        .whereLayer("Console")
        .mayOnlyBeAccessedByLayers("Root")
        .whereLayer("Demo")
        .mayOnlyBeAccessedByLayers("Root", "Cli")
        .whereLayer("Account")
        .mayOnlyBeAccessedByLayers("Root", "Cli", "Api", "Console", "Store")
        .whereLayer("Flow")
        .mayOnlyBeAccessedByLayers("Root", "Cli", "Api", "Console", "Store")
        .whereLayer("Webhook")
        .mayOnlyBeAccessedByLayers("Root", "Cli", "Api", "Console", "Store")
        .whereLayer("Executor")
        .mayOnlyBeAccessedByLayers("Root", "Cli", "Api", "Console", "Flow", "Store")
        .whereLayer("OAuth")
        .mayOnlyBeAccessedByLayers("Root", "Cli", "Api", "Console", "Executor", "Store")
        .whereLayer("Store")
        .mayOnlyBeAccessedByLayers("Root", "Cli")
        .whereLayer("Credential")
        .mayOnlyBeAccessedByLayers(
            "Root", "Cli", "Api", "Console", "Flow", "Executor", "OAuth", "Store", "Webhook")
        .whereLayer("AuthClient")
        .mayOnlyBeAccessedByLayers(
            "Root", "Cli", "Api", "Console", "Executor", "OAuth", "Store", "Credential")
        .whereLayer("Component")
        .mayOnlyBeAccessedByLayers(
            "Root",
            "Cli",
            "Api",
            "Console",
            "Flow",
            "Executor",
            "OAuth",
            "Store",
            "Credential",
            "AuthClient")
        .whereLayer("Tenancy")
        .mayOnlyBeAccessedByLayers(
            "Root",
            "Cli",
            "Api",
            "Console",
            "Account",
            "Flow",
            "Webhook",
            "Executor",
            "OAuth",
            "Store",
            "Credential",
            "AuthClient",
            "Component")
        .whereLayer("Audit")
        .mayOnlyBeAccessedByLayers(
            "Root",
            "Cli",
            "Api",
            "Console",
            "Account",
            "Flow",
            "Executor",
            "OAuth",
            "Store",
            "Credential",
            "AuthClient",
            "Component",
            "Tenancy")
        .check(classes);
  }

  @Test
  void domainWhenCheckedThenItKnowsNoFrameworkNoSqlAndNoHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.credflow.audit..",
            "io.credflow.tenancy..",
            "io.credflow.component..",
            "io.credflow.authclient..",
            "io.credflow.credential..",
            "io.credflow.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.javalin..",
            "com.fasterxml.jackson..",
            "java.sql..",
            "javax.sql..",
            "com.zaxxer..",
            "org.flywaydb..",
            "com.google.crypto.tink..",
            "java.net.http..")
        .because("the core has no framework (docs/style.md 1): frameworks stay at the edges")
        .check(classes);
  }

  @Test
  void kernelWhenCheckedThenItUsesNoFeaturePackage() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.credflow.common..",
            "io.credflow.crypto..",
            "io.credflow.logging..",
            "io.credflow.outbound..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.credflow.api..",
            "io.credflow.cli..",
            "io.credflow.executor..",
            "io.credflow.flow..",
            "io.credflow.oauth..",
            "io.credflow.credential..",
            "io.credflow.authclient..",
            "io.credflow.component..",
            "io.credflow.tenancy..",
            "io.credflow.store..")
        .check(classes);
  }

  @Test
  void auditWhenCheckedThenItUsesOnlyTheJdkAndTheCommonKernel() {
    classes()
        .that()
        .resideInAPackage("io.credflow.audit..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.credflow.audit..", "io.credflow.common..", "java..")
        .because(
            "every feature records to the audit trail, so it knows none of them: callers hand it"
                + " ids, and the tenancy decides a reader's scope")
        .check(classes);
  }

  @Test
  void outboundWhenCheckedThenItUsesOnlyTheJdkJettyAndTheCommonAndLoggingKernels() {
    classes()
        .that()
        .resideInAPackage("io.credflow.outbound..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.credflow.outbound..",
            "io.credflow.common..",
            "io.credflow.logging..",
            "java..",
            "org.eclipse.jetty..",
            "org.slf4j..")
        .because(
            "the outbound guard is a kernel every feature may use (docs/security.md, requirement 17)")
        .check(classes);
  }
}
