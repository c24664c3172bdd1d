package dev.clbguard.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The package structure, read from the compiled classes' constant pools (every class, field and method type a
 * class refers to is named there): the policy core depends on no adapter, no production package depends on the
 * emulator nor the emulator on them, and the top-level packages form no cycle. Walking the class files needs no
 * library and sees exactly what the compiler linked.
 */
class ArchitectureTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final Pattern REF = Pattern.compile("dev/clbguard/([a-z0-9]+)/");
    /** What the emulator may use: the state file format and the jar's command interface. */
    private static final Set<String> EMULATOR_MAY_USE = Set.of("clbapi", "launch");

    @Test
    void thePolicyCoreDependsOnNoOtherPackage() throws IOException {
        assertEquals(Set.of(), graph().get("policy"), "policy must stay pure: no adapter, no I/O");
    }

    @Test
    void noProductionPackageKnowsTheEmulator() throws IOException {
        Map<String, Set<String>> graph = graph();
        List<String> offenders = new ArrayList<>();
        graph.forEach((from, to) -> {
            if (!from.equals("emulator") && to.contains("emulator")) {
                offenders.add(from);
            }
        });
        assertEquals(List.of(), offenders, "packages that refer to the emulator");
        assertTrue(EMULATOR_MAY_USE.containsAll(graph.get("emulator")), "the emulator uses " + graph.get("emulator"));
    }

    @Test
    void theEmulatorsBeansAreLeftOutOfProdBuilds() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/clbguard/emulator"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                Set<String> strings = constants(f);
                boolean bean = strings.contains("Ljakarta/enterprise/context/ApplicationScoped;")
                        || strings.contains("Ljakarta/ws/rs/Path;") || strings.contains("Ljakarta/inject/Singleton;");
                assertTrue(!bean || strings.contains("Lio/quarkus/arc/profile/UnlessBuildProfile;"),
                        f + " is a bean or route without @UnlessBuildProfile(\"prod\")");
            }
        }
    }

    @Test
    void topLevelPackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertTrue(graph.get("admission").contains("policy"), "the walk must see the edges there are: " + graph);
        assertEquals(List.of(), cycles(graph), "package cycles in " + graph);
    }

    @Test
    void aCycleIsFound() {
        assertEquals(List.of(List.of("a", "b", "a")), cycles(Map.of("a", Set.of("b"), "b", Set.of("a", "c"), "c", Set.of())));
        assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of())));
    }

    /** Top-level package under dev.clbguard to the other top-level packages its classes refer to. */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/clbguard"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String from = CLASSES.resolve("dev/clbguard").relativize(f).getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String s : constants(f)) {
                    Matcher m = REF.matcher(s);
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            to.add(m.group(1));
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** Each cycle once, as the path from its first package (in name order) back to it. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> out = new ArrayList<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            walk(graph, start, new ArrayList<>(List.of(start)), out);
        }
        return out;
    }

    private static void walk(Map<String, Set<String>> graph, String start, List<String> path, List<List<String>> out) {
        for (String next : new TreeSet<>(graph.getOrDefault(path.get(path.size() - 1), Set.of()))) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                out.add(cycle);
            } else if (next.compareTo(start) > 0 && !path.contains(next)) {
                path.add(next);
                walk(graph, start, path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    /** The UTF-8 entries of a class file's constant pool: names and descriptors of everything it refers to. */
    static Set<String> constants(Path classFile) throws IOException {
        Set<String> out = new TreeSet<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // longs and doubles take two entries
                    }
                    default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
                }
            }
        }
        return out;
    }
}
