package dev.meshroute.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.ReferenceTarget;
import dev.meshroute.conformance.target.Targets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;
import org.xml.sax.SAXException;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectDirectory;
import static org.junit.platform.launcher.EngineFilter.includeEngines;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The run's reports, from a real run: {@code src/test/resources/failing/} (one scenario passes, one fails on purpose,
 * one is skipped for a capability the test's target lacks, one is a weighted split) against the reference through
 * the JUnit Platform launcher, exactly as ConformanceIT runs the features, with the {@link RunReport} plugin.
 */
class RunReportTest {

    static final Path ROOT = Path.of(System.getProperty("meshroute.root", ".")).toAbsolutePath();
    static final String FAILING_ID = "src/test/resources/failing/reports-self-test.feature:25";
    /** Debian's Chromium; {@code -Dmeshroute.chromium=PATH} for another binary. */
    static final Path CHROMIUM = Path.of(System.getProperty("meshroute.chromium", "/usr/bin/chromium"));

    @org.junit.jupiter.api.io.TempDir
    static Path dir;
    static String console;
    static JsonNode report;
    static ReferenceTarget reference;

    @BeforeAll
    static void run() throws IOException {
        reference = new ReferenceTarget();
        // the reference without the fault capability: a real skip for the report to show
        Targets.use((MeshUnderTest) Proxy.newProxyInstance(MeshUnderTest.class.getClassLoader(),
                new Class<?>[]{MeshUnderTest.class}, (p, m, args) -> {
                    if (m.getName().equals("capabilities")) {
                        Set<String> caps = new HashSet<>(reference.capabilities());
                        caps.remove("fault");
                        return caps;
                    }
                    try {
                        return m.invoke(reference, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        LauncherDiscoveryRequest request = request()
                .selectors(selectDirectory(ROOT.resolve("src/test/resources/failing").toFile()))
                .filters(includeEngines("cucumber"))
                .configurationParameter(GLUE_PROPERTY_NAME, "dev.meshroute.conformance.steps")
                .configurationParameter(PLUGIN_PROPERTY_NAME, "dev.meshroute.conformance.report.RunReport:" + dir
                        + ", junit:" + dir.resolve("cucumber-junit.xml"))
                .configurationParameter("cucumber.publish.quiet", "true")
                .build();
        // the first scenario starts the mesh; on a machine shared by several builds that can take over 30 s
        String timeout = System.getProperty("meshroute.convergence.timeout");
        System.setProperty("meshroute.convergence.timeout", "PT3M");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // the run of the failing feature is this test's own: -Dmeshroute.tags / -Dmeshroute.scenario select the
            // conformance run's scenarios, so the suite's selection filter is not registered here
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enablePostDiscoveryFilterAutoRegistration(false).build());
            launcher.execute(request);
        } finally {
            System.setOut(original);
            if (timeout == null) {
                System.clearProperty("meshroute.convergence.timeout");
            } else {
                System.setProperty("meshroute.convergence.timeout", timeout);
            }
        }
        console = captured.toString(StandardCharsets.UTF_8);
        System.out.println(console);
        report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @AfterAll
    static void close() {
        Targets.use(null);
        if (reference != null) {
            reference.close();
        }
    }

    static JsonSchema schema() throws IOException {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(new ObjectMapper().readTree(ROOT.resolve("schemas/report.schema.json").toFile()), config);
    }

    static JsonNode scenario(String id) {
        for (JsonNode s : report.path("scenarios")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no scenario " + id + " in the report: " + report.path("scenarios"));
    }

    @Test
    void theProducedReport_validatesAgainstItsSchema() throws IOException {
        Set<ValidationMessage> errors = schema().validate(report);
        assertEquals(Set.of(), errors, "report.json does not match schemas/report.schema.json");
    }

    @Test
    void theSchema_rejectsABrokenReport() throws IOException {
        ObjectNode broken = report.deepCopy();
        broken.remove("summary");
        ObjectNode first = (ObjectNode) broken.path("scenarios").get(0);
        first.put("status", "green");
        first.put("id", "no line number");
        ((ObjectNode) broken.path("suite")).put("commit", "HEAD");
        List<String> errors = schema().validate(broken).stream().map(ValidationMessage::getMessage).toList();
        assertTrue(errors.stream().anyMatch(e -> e.contains("summary")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains("status")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains("id")), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.contains("commit")), errors::toString);
    }

    @Test
    void theReport_countsEveryScenarioByStatusProfileAndCapability() {
        assertEquals("meshroute-report/1", report.path("format").asText());
        assertEquals(4, report.path("summary").path("total").asInt(), report.path("summary").toString());
        assertEquals(2, report.path("summary").path("passed").asInt());
        assertEquals(1, report.path("summary").path("failed").asInt());
        assertEquals(1, report.path("summary").path("skipped").asInt());
        assertEquals(4, report.path("profiles").path("core").path("total").asInt());
        assertEquals(1, report.path("capabilities").path("fault").path("skipped").asInt());
        assertEquals(1, report.path("capabilities").path("weights").path("passed").asInt());
        assertEquals("reference", report.path("target").asText());
        assertEquals(System.getProperty("meshroute.suite.version", "unknown"),
                report.path("implementation").path("version").asText());
        assertTrue(report.path("inputs").path("sha256").asText().matches("[0-9a-f]{64}"));
        assertEquals(Inputs.digest(ROOT, List.of("features", "fixtures")).get("sha256"),
                report.path("inputs").path("sha256").asText(), "the digest is reproducible");
    }

    @Test
    void aSkippedScenario_carriesItsReason() {
        JsonNode skipped = scenario("src/test/resources/failing/reports-self-test.feature:44");
        assertEquals("skipped", skipped.path("status").asText());
        assertTrue(skipped.path("reason").asText().contains("does not declare fault"), skipped.toString());
        assertTrue(console.contains("does not declare fault"), console);
    }

    @Test
    void aWeightScenario_carriesItsStatisticalParameters() {
        JsonNode split = scenario("src/test/resources/failing/reports-self-test.feature:51").path("splits").get(0);
        assertEquals(1e-6, split.path("alpha").asDouble());
        assertTrue(split.path("n").asInt() > 100, split.toString());
        assertEquals(2, split.path("destinations").size());
        assertEquals(split.path("n").asLong(), split.path("destinations").get(0).path("observed").asLong()
                + split.path("destinations").get(1).path("observed").asLong());
        assertTrue(split.has("seed"));
    }

    @Test
    void aFailingScenario_showsRequestExpectedObservedAndTheRouteTheReferenceChose() {
        JsonNode failed = scenario(FAILING_ID);
        assertEquals("failed", failed.path("status").asText());
        assertEquals(List.of("three-versions/my-app.yaml", "scenario-2.yaml"),
                List.of(failed.path("config").get(0).asText().replace("fixtures/", ""),
                        failed.path("config").get(1).asText()));
        JsonNode f = failed.path("failure");
        assertEquals("GET /api/orders Host: my-app, x-user: jason", f.path("request").asText());
        assertEquals("Then it is served by version \"v2\"", f.path("expected").asText());
        assertTrue(f.path("observed").asText().contains("200 from pod my-app-v1"), f.toString());
        assertTrue(f.path("observed").asText().contains("version=v1"), f.toString());
        assertTrue(f.path("route").asText().contains("all-to-v1"), f.toString());
        assertTrue(f.path("route").asText().contains("v1"), f.toString());
        String error = failed.path("error").asText();
        for (String part : List.of("expected: served by a pod of version v2", "request:  GET /api/orders Host: my-app",
                "observed: 200 from pod my-app-v1", "route:    virtual host")) {
            assertTrue(error.contains(part), () -> "the assertion message lacks '" + part + "':\n" + error);
        }
        assertTrue(failed.path("convergence").path("totalMs").asLong() >= 0);
        // the console summary lists it with its diagnosis
        assertTrue(console.contains("FAILED (1)"), console);
        assertTrue(console.contains(FAILING_ID), console);
        for (String part : List.of("request:  GET /api/orders", "expected: served by a pod of version v2",
                "observed: 200 from pod my-app-v1", "route:    virtual host", "all-to-v1")) {
            assertTrue(console.contains(part), () -> "the console summary lacks '" + part + "':\n" + console);
        }
        assertTrue(console.contains(dir.resolve("report.json").toString()), console);
    }

    @Test
    void aPassingScenario_recordsWhatWasSentObservedAndMatched() {
        JsonNode passed = scenario("src/test/resources/failing/reports-self-test.feature:8");
        assertEquals("passed", passed.path("status").asText());
        JsonNode x = passed.path("exchanges").get(0);
        assertEquals("/", x.path("request").path("path").asText());
        assertEquals("my-app-v1-0", x.path("response").path("pod").asText());
        assertTrue(x.path("route").asText().contains("all-to-v1"), x.toString());
        assertEquals(List.of("Then it is served by version \"v1\""),
                List.of(passed.path("expected").get(0).asText()));
    }

    static Validator surefireXsd() throws SAXException {
        return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(ROOT.resolve("schemas/surefire-test-report-3.0.xsd").toFile()).newValidator();
    }

    @Test
    void theJunitXml_validatesAgainstSurefiresXsd() throws Exception {
        Path xml = dir.resolve("junit.xml");
        surefireXsd().validate(new StreamSource(xml.toFile()));
        String text = Files.readString(xml);
        assertTrue(text.contains("tests=\"4\"") && text.contains("failures=\"1\"") && text.contains("skipped=\"1\""),
                text);
        assertTrue(text.contains("route:    virtual host"), "the failure carries the diagnosis");
    }

    /** Why the run writes its own junit.xml: Cucumber's is not Surefire's format (failsafe's own XML is). */
    @Test
    void cucumbersJunitXml_doesNotValidateAgainstSurefiresXsd() {
        SAXException e = org.junit.jupiter.api.Assertions.assertThrows(SAXException.class,
                () -> surefireXsd().validate(new StreamSource(dir.resolve("cucumber-junit.xml").toFile())));
        assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    }

    @Test
    void surefiresXsd_rejectsABrokenJunitXml() throws Exception {
        String valid = Files.readString(dir.resolve("junit.xml"));
        Path withoutTests = dir.resolve("junit-without-tests.xml");
        Files.writeString(withoutTests, valid.replaceFirst(" tests=\"4\"", ""));
        SAXException e = org.junit.jupiter.api.Assertions.assertThrows(SAXException.class,
                () -> surefireXsd().validate(new StreamSource(withoutTests.toFile())));
        assertTrue(e.getMessage().contains("'tests'"), e.getMessage());
        Path badTime = dir.resolve("junit-bad-time.xml");
        Files.writeString(badTime, valid.replaceFirst("time=\"[0-9.]+\"", "time=\"soon\""));
        e = org.junit.jupiter.api.Assertions.assertThrows(SAXException.class,
                () -> surefireXsd().validate(new StreamSource(badTime.toFile())));
        assertTrue(e.getMessage().contains("SUREFIRE_TIME"), e.getMessage());
    }

    @Test
    void theHtmlReport_isSelfContained() throws IOException {
        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.indexOf("id=\"summary\"") < html.indexOf("class=\"scenario"), "summary first");
        assertFalse(html.matches("(?s).*(src=|href=|@import|url\\().*"), "no external asset");
        assertTrue(html.contains("GET /api/orders Host: my-app"));
        assertTrue(html.contains("all-to-v1"));
        assertTrue(html.contains("scenario-2.yaml"));
    }

    @Test
    void theHtmlReport_rendersInHeadlessChromiumWithTheSummaryVisible() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": the screenshot test is skipped (install it"
                + " with: apt-get install -y --no-install-recommends chromium)");
        Path html = dir.resolve("index.html");
        Path png = dir.resolve("index.png");
        String dom = chromium(List.of("--dump-dom", html.toUri().toString()));
        assertTrue(dom.contains("<table id=\"summary\">"), () -> "the rendered DOM lacks the summary table:\n" + dom);
        assertTrue(dom.contains(">all scenarios</th>"), dom);
        chromium(List.of("--screenshot=" + png, "--window-size=1280,900", html.toUri().toString()));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "the screenshot is (nearly) one colour: " + colours.size() + " colours");
        // the top of the page, where the summary is, is not blank
        Set<Integer> top = new HashSet<>();
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 600; x++) {
                top.add(image.getRGB(x, y));
            }
        }
        assertTrue(top.size() > 5, "the top of the page is blank");
    }

    private static String chromium(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + cmd);
        return Files.readString(out);
    }
}
