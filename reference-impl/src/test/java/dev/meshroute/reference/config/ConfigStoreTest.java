package dev.meshroute.reference.config;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.VirtualService;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.PODS_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigStoreTest {

    private static String routeTo(String subset, String weight) {
        return """
                - route:
                  - destination:
                      host: my-app
                      subset: %s
                    weight: %s
                """.formatted(subset, weight);
    }

    private static ConfigLoader.LoadResult load(String... files) {
        // files come in pairs: name, text
        List<ConfigLoader.LoadResult> parts = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i += 2) {
            parts.add(ConfigLoader.loadText(files[i], files[i + 1]));
        }
        return ConfigLoader.merge(parts);
    }

    private static String onlySubset(MeshConfig config) {
        assertEquals(1, config.virtualServices().size());
        VirtualService vs = config.virtualServices().get(0);
        return vs.http().get(0).route().get(0).destination().subset();
    }

    private static List<Diagnostic> warningsAbout(ConfigStore.Outcome outcome, String key) {
        return outcome.diagnostics().stream()
                .filter(d -> d.level() == Diagnostic.Level.WARNING && key.equals(d.resource()))
                .toList();
    }

    @Test
    void apply_validConfig_acceptsEverything() {
        ConfigStore.Outcome o = new ConfigStore().apply(load("mesh.yaml",
                docs(SERVICE, PODS_V1_V2, DR_V1_V2, vs("my-app-vs", routeTo("v1", "100")))));

        assertEquals(List.of(), o.diagnostics());
        assertEquals(1, o.config().virtualServices().size());
        assertEquals(1, o.config().destinationRules().size());
        assertEquals(1, o.config().services().size());
        assertEquals(2, o.config().workloads().size());
    }

    @Test
    void apply_validationErrorOnReload_keepsPreviouslyAcceptedVersionWithAWarning() {
        ConfigStore store = new ConfigStore();
        store.apply(load("vs.yaml", vs("my-app-vs", routeTo("v1", "100")), "base.yaml", docs(SERVICE, DR_V1_V2)));

        ConfigStore.Outcome o = store.apply(load("vs.yaml", vs("my-app-vs", routeTo("v2", "-1")),
                "base.yaml", docs(SERVICE, DR_V1_V2)));

        assertTrue(o.hasErrors(), "the invalid version is reported");
        assertTrue(o.diagnostics().stream().anyMatch(d -> d.isError() && d.message().contains("weight -1 < 0")));
        assertEquals("v1", onlySubset(o.config()), "the previously accepted version stays in force");
        List<Diagnostic> warnings = warningsAbout(o, "VirtualService default/my-app-vs");
        assertEquals(1, warnings.size(), o.diagnostics().toString());
        assertTrue(warnings.get(0).message().contains("previously accepted version"), warnings.get(0).message());
    }

    @Test
    void apply_shapeErrorOnReload_keepsPreviouslyAcceptedVersionWithAWarning() {
        ConfigStore store = new ConfigStore();
        store.apply(load("vs.yaml", vs("my-app-vs", routeTo("v1", "100"))));

        ConfigStore.Outcome o = store.apply(load("vs.yaml", vs("my-app-vs", routeTo("v2", "\"ninety\""))));

        assertEquals("v1", onlySubset(o.config()));
        assertEquals(1, warningsAbout(o, "VirtualService default/my-app-vs").size(), o.diagnostics().toString());
    }

    @Test
    void apply_invalidOnFirstApply_isAbsentWithoutAStaysInForceWarning() {
        ConfigStore.Outcome o = new ConfigStore().apply(load("vs.yaml", vs("my-app-vs", routeTo("v1", "-1"))));

        assertTrue(o.hasErrors());
        assertTrue(o.config().virtualServices().isEmpty());
        assertTrue(warningsAbout(o, "VirtualService default/my-app-vs").isEmpty(), o.diagnostics().toString());
    }

    @Test
    void apply_resourceRemovedFromFiles_disappears() {
        ConfigStore store = new ConfigStore();
        store.apply(load("vs.yaml", vs("my-app-vs", routeTo("v1", "100")), "base.yaml", docs(SERVICE, DR_V1_V2)));

        ConfigStore.Outcome o = store.apply(load("base.yaml", SERVICE));

        assertTrue(o.config().virtualServices().isEmpty());
        assertTrue(o.config().destinationRules().isEmpty());
        assertEquals(1, o.config().services().size());
        assertFalse(o.hasErrors(), o.diagnostics().toString());
    }

    @Test
    void apply_brokenFile_keepsWhatItHeldBeforeWhileOtherFilesUpdate() {
        ConfigStore store = new ConfigStore();
        store.apply(load("a.yaml", docs(vs("my-app-vs", routeTo("v1", "100")), DR_V1_V2), "b.yaml", SERVICE));

        // a.yaml is now malformed before its first document; b.yaml no longer has the Service
        ConfigStore.Outcome o = store.apply(load("a.yaml", "spec: [unclosed\n", "b.yaml", "# emptied\n"));

        assertTrue(o.hasErrors());
        assertEquals("v1", onlySubset(o.config()));
        assertEquals(1, o.config().destinationRules().size(), "the DR a.yaml held is kept too");
        assertTrue(o.config().services().isEmpty(), "b.yaml was read: its removed Service is gone");
    }

    @Test
    void apply_brokenFileAfterItsFirstDocument_usesTheNewFirstDocumentAndKeepsTheRest() {
        ConfigStore store = new ConfigStore();
        store.apply(load("a.yaml", docs(vs("my-app-vs", routeTo("v1", "100")), DR_V1_V2)));

        ConfigStore.Outcome o = store.apply(load("a.yaml", docs(vs("my-app-vs", routeTo("v2", "100")), "kind: [\n")));

        assertEquals("v2", onlySubset(o.config()), "the document before the break was read and is the new version");
        assertEquals(1, o.config().destinationRules().size(), "the DR after the break keeps its old version");
    }

    @Test
    void apply_invalidResource_doesNotTakeOthersDown() {
        String badDr = DR_V1_V2.replace("name: v2", "name: v1"); // duplicate subset name
        String badVs = vs("bad-vs", routeTo("v1", "-5")).replace("- my-app", "- other");

        ConfigStore.Outcome o = new ConfigStore().apply(load("mesh.yaml",
                docs(SERVICE, badDr, badVs, vs("my-app-vs", routeTo("v1", "100")))));

        assertTrue(o.hasErrors());
        assertEquals(List.of("my-app-vs"), o.config().virtualServices().stream().map(v -> v.meta().name()).toList());
        assertTrue(o.config().destinationRules().isEmpty());
        assertEquals(1, o.config().services().size());
    }
}
