package org.unidiff.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleResourcesTest {

    @TempDir
    Path dir;

    private String previousCache;

    @BeforeEach
    void privateCache() {
        previousCache = System.setProperty(BundleResources.CACHE_PROPERTY, dir.resolve("cache").toString());
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty(BundleResources.CACHE_PROPERTY);
        } else {
            System.setProperty(BundleResources.CACHE_PROPERTY, previousCache);
        }
    }

    @Test
    void aBundleInAJarIsCopiedOutOnceKeyedByItsContent() throws IOException {
        byte[] weights = new byte[100_000];
        weights[12345] = 7;
        Path jar = jar("one.jar", "{\"name\": \"x\"}", weights);

        Path first;
        Path second;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            first = BundleResources.directory("m/bundle", loader).orElseThrow();
            second = BundleResources.directory("m/bundle", loader).orElseThrow();
        }

        assertEquals(first, second, "the cached copy is reused");
        assertTrue(first.startsWith(dir.resolve("cache")), first.toString());
        assertEquals("{\"name\": \"x\"}", Files.readString(first.resolve("unidiff.json")));
        assertArrayEquals(weights, Files.readAllBytes(first.resolve("transformer/model.onnx")));
        try (var left = Files.list(dir.resolve("cache"))) {
            assertEquals(1, left.count(), "no partial folders left");
        }

        weights[0] = 1;
        Path changed = jar("two.jar", "{\"name\": \"x\"}", weights);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {changed.toUri().toURL()}, null)) {
            Path other = BundleResources.directory("m/bundle", loader).orElseThrow();
            assertTrue(!other.equals(first), "another content, another folder");
            assertArrayEquals(weights, Files.readAllBytes(other.resolve("transformer/model.onnx")));
        }
    }

    @Test
    void absentResourcesAreEmpty() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[0], null)) {
            assertEquals(Optional.empty(), BundleResources.directory("m/bundle", loader));
        }
    }

    @Test
    void resourcesInAFolderAreUsedInPlace() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("classes/m/bundle"));
        Files.writeString(bundle.resolve("unidiff.json"), "{}");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null)) {
            assertEquals(bundle, BundleResources.directory("m/bundle", loader).orElseThrow());
        }
    }

    private Path jar(String name, String manifest, byte[] weights) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            entry(out, "m/bundle/unidiff.json", manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            entry(out, "m/bundle/transformer/model.onnx", weights);
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, byte[] data) throws IOException {
        out.putNextEntry(new JarEntry(name));
        ((OutputStream) out).write(data);
        out.closeEntry();
    }
}
