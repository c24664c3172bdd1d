package dev.clbguard.cli;

import static dev.clbguard.cli.ValidateCommandTest.PROFILE;
import static dev.clbguard.cli.ValidateCommandTest.args;
import static dev.clbguard.cli.ValidateCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest set is applied together: two of its objects naming one CLB are judged against each other. */
class ClaimsInSetTest {

    static String service(String name, String share, int port) {
        return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: shop\n  annotations:\n"
                + "    service.kubernetes.io/tke-existed-lbid: lb-6swtxp1x\n"
                + (share == null ? "" : "    service.kubernetes.io/qcloud-share-existed-lb: \"" + share + "\"\n")
                + "spec:\n  type: LoadBalancer\n  selector: {app: api}\n  ports: [{name: p, port: " + port + "}]\n";
    }

    static ValidateCommandTest.Run validate(Path dir) {
        return run(Map.of(), "", args(PROFILE, "--clb-state", "examples/clb-state.yaml", "--policies", "policies",
                dir.toString()));
    }

    @Test
    void twoFilesNamingOneClbDenyTheSecondWithBothLocations(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "# the first\n" + service("first", null, 443));
        Files.writeString(dir.resolve("b.yaml"), service("second", null, 80));
        ValidateCommandTest.Run r = validate(dir);
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(dir.resolve("b.yaml") + ":1: DENY service-existing-clb Service shop/second: cannot use lb-6swtxp1x:"
                + " it is already named by Service shop/first (at " + dir.resolve("a.yaml") + ":2) [E4016]; choose"
                + " another CLB or set qcloud-share-existed-lb: \"true\" on both\n", r.out());
    }

    @Test
    void sharingServicesWithDisjointPortsPassAndCollidingOnesNameThePort(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), service("https", "true", 443) + "---\n" + service("http", "true", 80));
        ValidateCommandTest.Run r = validate(dir);
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("", r.out());

        Files.writeString(dir.resolve("b.yaml"), service("web", "true", 80));
        r = validate(dir);
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith(dir.resolve("b.yaml") + ":1: DENY service-existing-clb Service shop/web: cannot"
                + " use lb-6swtxp1x: port 80/TCP is already named by Service shop/http (at " + dir.resolve("a.yaml")
                + ":14) [E4014]"), r.out());
    }
}
