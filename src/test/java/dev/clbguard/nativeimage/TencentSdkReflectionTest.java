package dev.clbguard.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every Tencent SDK model the compiled code references, and every model reachable through their fields, is
 * registered for reflection in {@link TencentSdkReflection}: Gson reads and writes them reflectively, and a
 * native image without the registration fails only at run time, talking to the cloud. "Used" is derived from
 * the class files under target/classes, so the check follows the code as it changes.
 */
class TencentSdkReflectionTest {

    /** How a model class appears in a class file's constant pool: internal name, also inside descriptors. */
    private static final Pattern MODEL = Pattern.compile("com/tencentcloudapi/[a-z0-9]+/v\\d+/models/[A-Za-z0-9_$]+");
    private static final String MODELS = "com\\.tencentcloudapi\\.[a-z0-9]+\\.v\\d+\\.models\\..+";

    @Test
    void everyModelTheCodeUsesIsRegistered() throws Exception {
        Path classes = Path.of(TencentSdkReflection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TreeMap<String, String> usedBy = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = classes.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("dev/clbguard/nativeimage/")) {
                    continue; // the registrations themselves
                }
                references(f).forEach(m -> usedBy.putIfAbsent(m, rel));
            }
        }
        Set<String> roots = new TreeSet<>(usedBy.keySet());
        for (String action : TencentSdkReflection.ACTIONS) {
            String[] p = action.split("\\.");
            String base = "com.tencentcloudapi." + p[0] + "." + p[1] + ".models." + p[2];
            roots.add(base + "Request");
            roots.add(base + "Response");
        }
        Set<String> needed = closure(roots);
        Set<String> registered = registered();
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(registered);
        assertEquals(Set.of(), missing, "SDK models used (first referenced by " + usedBy + ") but not registered in TencentSdkReflection");

        Set<String> registeredModels = new TreeSet<>(registered);
        registeredModels.removeIf(n -> !n.matches(MODELS));
        assertEquals(needed, registeredModels, "registered models nothing uses: remove them from TencentSdkReflection");
        assertTrue(registered.containsAll(Set.of("com.tencentcloudapi.common.AbstractModel",
                "com.tencentcloudapi.common.JsonResponseModel", "com.tencentcloudapi.common.JsonResponseErrModel",
                "com.tencentcloudapi.common.JsonResponseErrModel$ErrorInfo")), "the SDK's response envelope is parsed for every call");
        for (String n : registered) {
            Class.forName(n, false, getClass().getClassLoader()); // a typo in classNames would only fail in a native build
        }
    }

    @Test
    void theScannerFindsReferencesInClassFiles() throws Exception {
        // Self-check: the registration class names every model in its constant pool.
        Path self = Path.of(TencentSdkReflection.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/clbguard/nativeimage/TencentSdkReflection.class");
        Set<String> found = references(self);
        assertTrue(found.contains("com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersResponse"), found.toString());
        assertTrue(found.contains("com.tencentcloudapi.tag.v20180813.models.TagResourcesRequest"), found.toString());
        assertTrue(closure(Set.of("com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersResponse"))
                .contains("com.tencentcloudapi.clb.v20180317.models.TagInfo"), "closure follows List/array field types");
    }

    private static Set<String> references(Path classFile) throws IOException {
        Set<String> out = new TreeSet<>();
        Matcher m = MODEL.matcher(new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1));
        while (m.find()) {
            out.add(m.group().replace('/', '.'));
        }
        return out;
    }

    /** The models reachable from roots through declared field types (generics and arrays included). */
    private static Set<String> closure(Set<String> roots) throws ClassNotFoundException {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (!seen.add(name)) {
                continue;
            }
            for (Class<?> c = Class.forName(name); c != null && c.getName().matches(MODELS); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    for (Class<?> t : classesIn(f.getGenericType())) {
                        if (t.getName().matches(MODELS)) {
                            todo.add(t.getName());
                        }
                    }
                }
            }
        }
        return seen;
    }

    private static Set<Class<?>> classesIn(Type t) {
        Set<Class<?>> out = new java.util.HashSet<>();
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            out.addAll(classesIn(p.getRawType()));
            Arrays.stream(p.getActualTypeArguments()).forEach(a -> out.addAll(classesIn(a)));
        } else if (t instanceof GenericArrayType g) {
            out.addAll(classesIn(g.getGenericComponentType()));
        } else if (t instanceof WildcardType w) {
            Arrays.stream(w.getUpperBounds()).forEach(a -> out.addAll(classesIn(a)));
        }
        return out;
    }

    private static Set<String> registered() {
        RegisterForReflection r = TencentSdkReflection.class.getAnnotation(RegisterForReflection.class);
        assertTrue(r != null, "TencentSdkReflection carries @RegisterForReflection");
        Set<String> out = new TreeSet<>(Arrays.asList(r.classNames()));
        Arrays.stream(r.targets()).map(Class::getName).forEach(out::add);
        return out;
    }
}
