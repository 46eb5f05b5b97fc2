package org.unidiff.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.testing.NpzArchive;

/**
 * One folder of golden files written by {@code models/make_goldens.py}: {@code goldens.json}
 * (what is inside, the bundle it was made from) and {@code goldens.npz} (the arrays).
 *
 * @param folder the golden folder
 * @param doc    the parsed {@code goldens.json}
 * @param arrays the arrays of {@code goldens.npz}
 * @param bundle the bundle directory the goldens name
 */
record Goldens(Path folder, JsonNode doc, NpzArchive arrays, Path bundle) {

    /** Where golden folders live among the test resources. */
    static final String ROOT = "goldens";

    /** Every golden folder under {@code goldens/} of the test resources, sorted by name. */
    static List<Path> folders() {
        Path root = resource(ROOT);
        try (Stream<Path> list = Files.list(root)) {
            return list.filter(p -> Files.isRegularFile(p.resolve("goldens.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** Reads a golden folder and resolves the bundle it names. */
    static Goldens load(Path folder) {
        JsonNode doc;
        try (InputStream in = Files.newInputStream(folder.resolve("goldens.json"))) {
            doc = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("goldens.json"), e);
        }
        if (!"unidiff-goldens".equals(doc.path("format").asText())) {
            throw new IllegalStateException(folder + "/goldens.json: format 'unidiff-goldens' expected, found '"
                    + doc.path("format").asText() + "'");
        }
        return new Goldens(folder, doc, NpzArchive.read(folder.resolve("goldens.npz")),
                resolveBundle(folder, doc.path("bundle").asText()));
    }

    /**
     * The bundle reference of {@code goldens.json}: {@code resource:<dir>} is a folder of these
     * test resources, {@code repo:<path>} a path from the repository root (found by walking up
     * from the working directory).
     */
    static Path resolveBundle(Path folder, String ref) {
        if (ref.startsWith("resource:")) {
            return resource(ref.substring("resource:".length()));
        }
        if (ref.startsWith("repo:")) {
            String relative = ref.substring("repo:".length());
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(relative).resolve("unidiff.json"))) {
                    return dir.resolve(relative);
                }
            }
            throw new IllegalStateException(folder + ": bundle '" + ref + "' not found in the working directory "
                    + "or any parent of it");
        }
        throw new IllegalStateException(folder + ": bundle reference must start with resource: or repo:, got '"
                + ref + "'");
    }

    private static Path resource(String name) {
        try {
            var url = Goldens.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource '" + name + "' not found");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The goldens' name (the folder name). */
    String name() {
        return folder.getFileName().toString();
    }

    /**
     * Bundle files whose SHA-256 differs from the one the goldens were made with, as
     * "path: expected X, found Y" lines; empty when the bundle is the one the goldens describe.
     */
    List<String> bundleMismatches() {
        List<String> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = doc.path("bundle_sha256").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String found = sha256(bundle.resolve(e.getKey()));
            if (!found.equals(e.getValue().asText())) {
                out.add(e.getKey() + ": expected " + e.getValue().asText() + ", found " + found);
            }
        }
        return out;
    }

    private static String sha256(Path file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The array a JSON field names. */
    NpzArchive.Array array(JsonNode nameField) {
        if (!nameField.isTextual()) {
            throw new IllegalStateException(name() + ": expected an array name, found " + nameField);
        }
        return arrays.get(nameField.asText());
    }

    /** The input images of the goldens ({@code images_u8}, [K, H, W, 3]) as RGB images. */
    /**
     * The inputs of one golden transformer batch ({@code components.transformer.<name>}) for a
     * transformer of the given shape.
     */
    JointBatch transformerInputs(JsonNode t, Function<Integer, JointShape> shapeOfGroup) {
        NpzArchive.Array img = array(t.path("img"));
        JointBatch in = JointBatch.allocate(shapeOfGroup.apply((int) img.shape()[1]), (int) img.shape()[0],
                t.has("data_type"));
        in.img().put(0, img.floats());
        in.clipImg().put(0, array(t.path("clip_img")).floats());
        in.text().put(0, array(t.path("text")).floats());
        in.tImg().put(0, array(t.path("t_img")).floats());
        in.tText().put(0, array(t.path("t_text")).floats());
        if (t.has("data_type")) {
            in.dataType().put(0, array(t.path("data_type")).longs());
        }
        return in;
    }

    List<BufferedImage> inputImages() {
        return images(arrays.get(doc.path("images_u8").asText()));
    }

    /** A uint8 [..., H, W, 3] array as RGB images, in row-major order of the leading axes. */
    static List<BufferedImage> images(NpzArchive.Array a) {
        long[] s = a.shape();
        int h = (int) s[s.length - 3];
        int w = (int) s[s.length - 2];
        int[] v = a.unsignedBytes();
        int count = v.length / (h * w * 3);
        List<BufferedImage> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int at = ((k * h + y) * w + x) * 3;
                    img.setRGB(x, y, (v[at] << 16) | (v[at + 1] << 8) | v[at + 2]);
                }
            }
            out.add(img);
        }
        return out;
    }
}
