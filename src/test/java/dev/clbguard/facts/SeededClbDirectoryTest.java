package dev.clbguard.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbLookup;

class SeededClbDirectoryTest {

    @Test
    void answersFoundAndMissingFromTheStateFile() {
        SeededClbDirectory dir = SeededClbDirectory.read(Path.of("src/main/resources/emulator/dev-seed.yaml"));
        ClbFacts facts = dir.lookup(Set.of("lb-77aa88bb", "lb-zzzzzzzz"), Duration.ofSeconds(1));
        ClbLookup.Found busy = assertInstanceOf(ClbLookup.Found.class, facts.get("lb-77aa88bb"));
        assertEquals(80, busy.clb().listeners().get(0).port());
        assertEquals("vpc-4f8q2w1e", busy.clb().vpcId());
        assertInstanceOf(ClbLookup.Missing.class, facts.get("lb-zzzzzzzz"));
        assertInstanceOf(ClbLookup.Unknown.class, facts.get("lb-0g3v8r2m"), "an id not asked for is Unknown");
    }

    @Test
    void aBadFileIsNamed(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("state.yaml");
        Files.writeString(bad, "loadBalancers:\n  - id: lb-short\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeededClbDirectory.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": load balancer id 'lb-short'"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SeededClbDirectory.read(tmp.resolve("nope.yaml")));
        assertTrue(missing.getMessage().startsWith(tmp.resolve("nope.yaml") + ": cannot be read"), missing.getMessage());
    }
}
