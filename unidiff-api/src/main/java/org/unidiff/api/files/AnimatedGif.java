package org.unidiff.api.files;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes frames as a looping animated GIF with the JDK's own GIF writer: each frame carries a
 * graphic control extension (its delay) and the first one the NETSCAPE2.0 application extension
 * that makes viewers loop forever.
 */
public final class AnimatedGif {

    /** The most frames one file takes: an interpolation has at most 64, a ping-pong twice that. */
    public static final int MAX_FRAMES = 256;
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private AnimatedGif() {
    }

    /**
     * Writes {@code frames} to {@code file}, each shown {@code delayMillis}, magnified by the
     * whole factor {@code scale} (nearest neighbour, so model pixels stay sharp).
     *
     * @throws IllegalArgumentException if there are no frames, too many, or a bad delay or scale
     */
    public static void write(List<BufferedImage> frames, int delayMillis, int scale, Path file) throws IOException {
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            write(frames, delayMillis, scale, out);
        }
    }

    /**
     * The GIF of {@code frames} as bytes (for a JSON result or a table cell).
     *
     * @throws IllegalArgumentException if there are no frames, too many, or a bad delay or scale
     */
    public static byte[] bytes(List<BufferedImage> frames, int delayMillis, int scale) {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(buffer)) {
            write(frames, delayMillis, scale, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing a GIF in memory failed", e);
        }
        return buffer.toByteArray();
    }

    private static void write(List<BufferedImage> frames, int delayMillis, int scale, ImageOutputStream out)
            throws IOException {
        if (frames.isEmpty() || frames.size() > MAX_FRAMES) {
            throw new IllegalArgumentException("a GIF needs 1 to " + MAX_FRAMES + " frames, got " + frames.size());
        }
        if (delayMillis < 10 || delayMillis > 60_000) {
            throw new IllegalArgumentException("frame delay must be 10 to 60000 ms, got " + delayMillis);
        }
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("scale must be 1 to 16, got " + scale);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new IOException("this JDK has no GIF writer");
        }
        ImageWriter writer = writers.next();
        try {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage frame = magnify(frames.get(i), scale);
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame),
                        param);
                annotate(metadata, delayMillis, i == 0);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    private static void annotate(IIOMetadata metadata, int delayMillis, boolean first) throws IIOInvalidTreeException {
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        // GIF delays are in hundredths of a second.
        control.setAttribute("delayTime", Integer.toString(Math.max(1, delayMillis / 10)));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode extensions = child(root, "ApplicationExtensions");
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            // Sub-block 1, then the loop count as 16-bit little endian; 0 loops forever.
            loop.setUserObject(new byte[] {1, 0, 0});
            extensions.appendChild(loop);
        }
        metadata.setFromTree(FORMAT, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    private static BufferedImage magnify(BufferedImage image, int scale) {
        BufferedImage out = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
