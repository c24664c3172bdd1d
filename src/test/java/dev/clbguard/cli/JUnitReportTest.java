package dev.clbguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code --output junit} as CI reads it: exact XML, well-formed, the counts CI systems show. */
class JUnitReportTest {

    static final String DIR = ValidateCommandTest.CLI + "junit";

    @Test
    void oneCasePerObjectAFailurePerDenialWarningsAsOutputAndInputErrorsAsErrors() throws Exception {
        ValidateCommandTest.Run r = ValidateCommandTest.run(Map.of(), "", ValidateCommandTest.args(
                ValidateCommandTest.PROFILE, "--elastic", "--offline", "--policies", ValidateCommandTest.POLICIES,
                "-o", "junit", DIR));
        assertEquals(2, r.code(), "an input error wins over a denial, as in the other formats");
        String file = DIR + "/01-app.yaml";
        String broken = DIR + "/02-broken.json";
        String notJson = "not valid JSON: unexpected character '&lt;': expected a value (an object, array, string, number,"
                + " true, false or null); none of its objects were checked";
        assertEquals(ValidateCommandTest.lines(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<testsuites name=\"clbguard validate\" tests=\"4\" failures=\"1\" errors=\"1\">",
                "  <testsuite name=\"clbguard validate\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"0\">",
                "    <testcase classname=\"" + file + "\" name=\"Service shop/backend (" + file + ":1)\">",
                "      <failure type=\"elastic-service-types\" message=\"has spec.type NodePort: an elastic cluster has no"
                        + " nodes to expose ports on; use type LoadBalancer or a headless ClusterIP Service\">"
                        + "elastic-service-types: Service shop/backend" + ValidateCommandTest.NODE_PORT.substring(1)
                        + "</failure>",
                "    </testcase>",
                "    <testcase classname=\"" + file + "\" name=\"Service shop/backend-headless (" + file + ":11)\"/>",
                "    <testcase classname=\"" + file + "\" name=\"Ingress default/web (" + file + ":21)\">",
                "      <system-out>WARN ingress-class-default Ingress default/web" + ValidateCommandTest.NO_CLASS,
                "</system-out>",
                "    </testcase>",
                "    <testcase classname=\"" + broken + "\" name=\"" + broken + ":1:30: " + notJson + "\">",
                "      <error type=\"input\" message=\"" + notJson + "\">" + broken + ":1:30: " + notJson + "</error>",
                "    </testcase>",
                "  </testsuite>",
                "</testsuites>"), r.out());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals(4, doc.getElementsByTagName("testcase").getLength());
        assertEquals(List.of("elastic-service-types"), List.of(
                ((Element) doc.getElementsByTagName("failure").item(0)).getAttribute("type")));
    }
}
