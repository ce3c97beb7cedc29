package dev.meshroute.conformance.report;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as JUnit XML in Maven Surefire's format (it validates against {@code schemas/surefire-test-report-3.0.xsd};
 * Cucumber's own {@code cucumber-junit.xml} does not: its {@code testsuite} carries a {@code timestamp} attribute the
 * XSD does not allow). One testcase per scenario; a failure carries its diagnosis, a skip (deviations included) its
 * reason.
 */
final class JunitXml {

    private JunitXml() {
    }

    @SuppressWarnings("unchecked")
    static void write(Map<String, Object> report, Path file) throws IOException {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element suite = doc.createElement("testsuite");
            doc.appendChild(suite);
            List<Map<String, Object>> scenarios = (List<Map<String, Object>>) report.get("scenarios");
            Map<String, Object> counts = (Map<String, Object>) report.get("summary");
            Map<String, Object> impl = (Map<String, Object>) report.get("implementation");
            suite.setAttribute("name", "meshroute conformance: " + impl.get("name"));
            suite.setAttribute("time", seconds(((Number) report.get("durationMs")).longValue()));
            suite.setAttribute("tests", String.valueOf(counts.get("total")));
            suite.setAttribute("errors", "0");
            suite.setAttribute("skipped", String.valueOf(((Integer) counts.get("skipped"))
                    + ((Integer) counts.get("deviation"))));
            suite.setAttribute("failures", String.valueOf(counts.get("failed")));
            Element properties = doc.createElement("properties");
            suite.appendChild(properties);
            Map<String, Object> suiteInfo = (Map<String, Object>) report.get("suite");
            property(doc, properties, "meshroute.target", report.get("target"));
            property(doc, properties, "meshroute.implementation.version", impl.get("version"));
            property(doc, properties, "meshroute.suite.version", suiteInfo.get("version"));
            property(doc, properties, "meshroute.suite.commit", suiteInfo.get("commit"));
            property(doc, properties, "meshroute.inputs.sha256", ((Map<String, Object>) report.get("inputs")).get("sha256"));
            for (Map<String, Object> s : scenarios) {
                Element tc = doc.createElement("testcase");
                tc.setAttribute("name", clean(s.get("name") + " [" + s.get("id") + "]"));
                tc.setAttribute("classname", clean(String.valueOf(s.get("uri"))));
                tc.setAttribute("time", seconds(((Number) s.get("durationMs")).longValue()));
                switch ((String) s.get("status")) {
                    case "failed" -> {
                        Element f = doc.createElement("failure");
                        String error = String.valueOf(s.get("error"));
                        f.setAttribute("message", clean(error));
                        f.setAttribute("type", "meshroute.failed");
                        f.setTextContent(clean(error));
                        tc.appendChild(f);
                    }
                    case "skipped", "deviation" -> {
                        Element k = doc.createElement("skipped");
                        k.setAttribute("message", clean(String.valueOf(s.get("reason"))));
                        tc.appendChild(k);
                    }
                    default -> {
                    }
                }
                StringBuilder out = new StringBuilder();
                for (Map<String, Object> step : (List<Map<String, Object>>) s.get("steps")) {
                    out.append(step.get("text")).append(" ... ").append(step.get("status")).append('\n');
                }
                if (out.length() > 0) {
                    Element so = doc.createElement("system-out");
                    so.setTextContent(clean(out.toString()));
                    tc.appendChild(so);
                }
                suite.appendChild(tc);
            }
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            Files.createDirectories(file.getParent());
            transformer.transform(new DOMSource(doc), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void property(Document doc, Element properties, String name, Object value) {
        Element p = doc.createElement("property");
        p.setAttribute("name", name);
        p.setAttribute("value", clean(String.valueOf(value)));
        properties.appendChild(p);
    }

    /** Seconds with three decimals, as Surefire's SUREFIRE_TIME type allows. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }

    /** Drops characters XML 1.0 cannot carry (control characters other than tab, newline, carriage return). */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().filter(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000).forEach(sb::appendCodePoint);
        return sb.toString();
    }
}
