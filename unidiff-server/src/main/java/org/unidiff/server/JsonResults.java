package org.unidiff.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.List;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.tasks.ResultSink;

/**
 * A result as JSON: a task's outputs written into an object (images as base64 PNGs, groups as
 * arrays of them, texts and numbers as arrays), and the generation parameters beside them.
 */
final class JsonResults implements ResultSink {

    private final ObjectNode out;

    JsonResults(ObjectNode out) {
        this.out = out;
    }

    @Override
    public void images(String name, List<BufferedImage> images) {
        ArrayNode a = out.putArray(name);
        for (BufferedImage image : images) {
            a.add(Pngs.encode(image));
        }
    }

    @Override
    public void imageGroups(String name, List<List<BufferedImage>> groups) {
        ArrayNode a = out.putArray(name);
        for (List<BufferedImage> group : groups) {
            ArrayNode g = a.addArray();
            for (BufferedImage image : group) {
                g.add(Pngs.encode(image));
            }
        }
    }

    @Override
    public void animation(String name, List<BufferedImage> frames) {
        // 125 ms a frame at the model's size; the page scales it up.
        out.put(name, java.util.Base64.getEncoder().encodeToString(
                org.unidiff.api.files.AnimatedGif.bytes(frames, 125, 1)));
    }

    @Override
    public void texts(String name, List<String> texts) {
        ArrayNode a = out.putArray(name);
        texts.forEach(a::add);
    }

    @Override
    public void numbers(String name, double[] values) {
        ArrayNode a = out.putArray(name);
        for (double v : values) {
            a.add(v);
        }
    }

    /** Writes the generation parameters of a result under {@code "parameters"}. */
    static void putParameters(ObjectNode out, GenerationParameters p) {
        ObjectNode n = out.putObject("parameters");
        n.put("task", p.task().id());
        n.put("model", p.model());
        ArrayNode prompts = n.putArray("prompts");
        p.prompts().forEach(prompts::add);
        n.put("seed", p.seed());
        n.put("steps", p.steps());
        n.put("sampler", p.sampler());
        n.put("guidanceScale", p.guidanceScale());
        n.put("outputs", p.outputs());
        // Always present: null when the model takes no data type.
        if (p.dataType() != null) {
            n.put("dataType", p.dataType());
        } else {
            n.putNull("dataType");
        }
        // Words of the prompts the model does not know (ignored): the CLI's warning, in the result.
        ArrayNode unknown = n.putArray("unknownWords");
        if (p.unknownWords() != null) {
            p.unknownWords().forEach(unknown::add);
        }
        if (p.route() != null) {
            n.put("route", p.route());
        }
    }
}
