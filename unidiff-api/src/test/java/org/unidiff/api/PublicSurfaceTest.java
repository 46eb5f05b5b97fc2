package org.unidiff.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The api module's public surface: a user's code needs the api packages only, plus the types of
 * other modules that are re-exported on purpose (listed here and in the api README). Fails when
 * a public signature of {@code org.unidiff.api} or {@code org.unidiff.api.engine} exposes any
 * other type of another unidiff module, e.g. the runtime's {@code Bundle} or a component.
 */
class PublicSurfaceTest {

    /**
     * Re-exported on purpose: the manifest view and execution options (how a user configures and inspects a
     * model), the sampler names, and the plan vocabulary a recipe of one's own is written in.
     */
    private static final Set<String> RE_EXPORTED_PACKAGES = Set.of(
            "org.unidiff.runtime.manifest",
            "org.unidiff.sampling.plan",
            "org.unidiff.sampling.noise");
    private static final Set<String> RE_EXPORTED_TYPES = Set.of(
            "org.unidiff.runtime.ort.ExecutionConfig",
            "org.unidiff.runtime.ort.CudaOptions",
            "org.unidiff.runtime.ort.ExecutionProvider",
            "org.unidiff.sampling.solver.SamplerKind",
            "org.unidiff.sampling.PredictionType");

    @Test
    void publicSignaturesExposeOnlyApiAndReExportedTypes() throws Exception {
        Map<String, Set<String>> leaks = new TreeMap<>();
        int types = 0;
        for (Class<?> c : apiClasses()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            types++;
            Set<Type> used = new java.util.HashSet<>();
            used.add(c.getGenericSuperclass());
            used.addAll(java.util.List.of(c.getGenericInterfaces()));
            for (Method m : c.getDeclaredMethods()) {
                if (exposed(m.getModifiers()) && !m.isSynthetic()) {
                    used.add(m.getGenericReturnType());
                    used.addAll(java.util.List.of(m.getGenericParameterTypes()));
                    used.addAll(java.util.List.of(m.getGenericExceptionTypes()));
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (exposed(k.getModifiers())) {
                    used.addAll(java.util.List.of(k.getGenericParameterTypes()));
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (exposed(f.getModifiers())) {
                    used.add(f.getGenericType());
                }
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    used.add(rc.getGenericType());
                }
            }
            Set<String> names = new TreeSet<>();
            for (Type t : used) {
                collect(t, names);
            }
            for (String n : names) {
                if (n.startsWith("org.unidiff.") && !n.startsWith("org.unidiff.api.") && !allowed(n)) {
                    leaks.computeIfAbsent(c.getName(), k -> new TreeSet<>()).add(n);
                }
            }
        }
        assertTrue(types > 30, "found the api's public types: " + types);
        assertEquals(Map.of(), leaks, "public api signatures exposing internal types of other modules");
    }

    @Test
    void theCheckSeesALeak() {
        Set<String> names = new TreeSet<>();
        collect(org.unidiff.runtime.Bundle.class, names);
        assertTrue(names.stream().anyMatch(n -> !allowed(n)), "the runtime's Bundle is not re-exported");
        assertTrue(allowed("org.unidiff.runtime.manifest.BundleManifest"));
    }

    @Test
    void libraryJarsDeclareTheirModuleName() throws IOException {
        Path api = classesDir();
        Path module = api.getParent().getParent();
        Path manifest = module.resolve("target/classes/META-INF/MANIFEST.MF");
        // The jar's manifest is written at package time; the pom is the source of truth before that.
        String pom = Files.readString(module.resolve("pom.xml"));
        assertTrue(pom.contains("<Automatic-Module-Name>org.unidiff.api</Automatic-Module-Name>"), "api pom");
        for (String m : new String[] {"unidiff-sampling", "unidiff-runtime", "unidiff-shapes"}) {
            String other = Files.readString(module.getParent().resolve(m).resolve("pom.xml"));
            assertTrue(other.contains("<Automatic-Module-Name>org.unidiff." + m.substring("unidiff-".length())
                    + "</Automatic-Module-Name>"), m + " declares its module name");
        }
        if (Files.isRegularFile(manifest)) {
            try (var in = Files.newInputStream(manifest)) {
                assertEquals("org.unidiff.api", new Manifest(in).getMainAttributes().getValue("Automatic-Module-Name"));
            }
        }
    }

    private static boolean allowed(String name) {
        String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
        String pkg = outer.substring(0, outer.lastIndexOf('.'));
        return RE_EXPORTED_PACKAGES.contains(pkg) || RE_EXPORTED_TYPES.contains(outer);
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void collect(Type t, Set<String> out) {
        if (t == null) {
            return;
        }
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive()) {
                out.add(c.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, out);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), out);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                collect(b, out);
            }
            for (Type b : w.getLowerBounds()) {
                collect(b, out);
            }
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                if (b instanceof Class<?>) {
                    collect(b, out);
                }
            }
        }
    }

    private static Path classesDir() {
        try {
            return Path.of(Unidiff.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
        Path root = classesDir();
        java.util.List<Class<?>> out = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("org/unidiff/api"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.endsWith(".class") && !rel.endsWith("package-info.class")) {
                    out.add(Class.forName(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'), false,
                            PublicSurfaceTest.class.getClassLoader()));
                }
            }
        }
        return out;
    }
}
