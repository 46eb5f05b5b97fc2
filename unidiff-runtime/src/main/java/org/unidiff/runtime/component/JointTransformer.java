package org.unidiff.runtime.component;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.tensor.ElementType;
import org.unidiff.runtime.tensor.OutputReader;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointPredictor;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.Part;

/**
 * The joint noise predictor over its ONNX session. float32 inputs and outputs are handed to ONNX
 * Runtime as the batch's own direct buffers (no copy; outputs are written in place as pinned
 * outputs); float16 ones are converted at the boundary.
 */
public final class JointTransformer implements JointPredictor {

    private static final List<String> OUTPUTS = List.of("img_out", "clip_img_out", "text_out");

    private final ComponentSession session;
    private final BundleManifest manifest;
    private final boolean takesDataType;
    private final boolean pinOutputs;
    /** Image-only families (in-context) have no CLIP and text streams: their sizes are 0 and nothing is fed. */
    private final boolean imageOnly;

    /** Wraps a checked {@code transformer} session. */
    public JointTransformer(ModelSession session, BundleManifest manifest) {
        this.session = new ComponentSession(session);
        this.manifest = manifest;
        this.takesDataType = session.inputs().containsKey("data_type");
        this.imageOnly = !manifest.bundleFamily().hasText();
        boolean allFloat32 = true;
        for (String name : imageOnly ? List.of("img_out") : OUTPUTS) {
            allFloat32 &= this.session.outputType(name) == ElementType.FLOAT32;
        }
        this.pinOutputs = allFloat32;
    }

    /** The tensor sizes of this model for groups of {@code groupSize} slots. */
    public JointShape shape(int groupSize) {
        if (groupSize < 1 || groupSize > manifest.group().maxSize()) {
            throw new IllegalArgumentException("group size must be in [1, " + manifest.group().maxSize()
                    + "] (group.max_size of this bundle), got " + groupSize);
        }
        if (imageOnly) {
            return new JointShape(manifest.latent().channels(), manifest.latent().height(), manifest.latent().width(),
                    0, 0, 0, groupSize);
        }
        return new JointShape(manifest.latent().channels(), manifest.latent().height(), manifest.latent().width(),
                manifest.clipImage().dim(), manifest.text().tokens(), manifest.text().dim(), groupSize);
    }

    /** Whether the model takes {@code data_type}; batches must then be allocated with it. */
    public boolean takesDataType() {
        return takesDataType;
    }

    @Override
    public PredictionType predictionType() {
        return manifest.schedule().predictionType();
    }

    @Override
    public synchronized void predict(JointBatch inputs, JointOutputs outputs) {
        JointShape shape = inputs.shape();
        if (!shape.equals(shape(shape.groupSize()))) {
            throw new IllegalArgumentException("batch shape " + shape + " does not match this bundle's "
                    + shape(shape.groupSize()));
        }
        if (!outputs.shape().equals(shape) || outputs.rows() != inputs.rows()) {
            throw new IllegalArgumentException("outputs (" + outputs.rows() + " rows of " + outputs.shape()
                    + ") do not match inputs (" + inputs.rows() + " rows of " + shape + ")");
        }
        if (takesDataType != inputs.hasDataType()) {
            throw new IllegalArgumentException(takesDataType
                    ? "this transformer takes data_type: allocate the JointBatch with withDataType = true"
                    : "this transformer takes no data_type: allocate the JointBatch with withDataType = false");
        }
        try (ComponentSession.Feed feed = session.feed()) {
            feed.floats("img", whole(inputs.img()), inputs.tensorShape(Part.IMAGE_LATENT));
            if (imageOnly) {
                feed.floats("t_img", whole(inputs.tImg()), inputs.timeShape());
                runImageOnly(feed, outputs);
                return;
            }
            feed.floats("clip_img", whole(inputs.clipImg()), inputs.tensorShape(Part.CLIP));
            feed.floats("text", whole(inputs.text()), inputs.tensorShape(Part.TEXT));
            feed.floats("t_img", whole(inputs.tImg()), inputs.timeShape());
            feed.floats("t_text", whole(inputs.tText()), inputs.timeShape());
            if (takesDataType) {
                long[] dataType = new long[inputs.rows()];
                inputs.dataType().get(0, dataType);
                feed.longs("data_type", dataType, inputs.dataTypeShape());
            }
            if (pinOutputs) {
                runPinned(feed, outputs);
            } else {
                runConverted(feed, outputs);
            }
        } catch (OrtException e) {
            throw ComponentSession.failure(session.session(), e);
        }
    }

    private void runImageOnly(ComponentSession.Feed feed, JointOutputs outputs) throws OrtException {
        if (pinOutputs) {
            try (OnnxTensor out = OnnxTensor.createTensor(session.session().environment(), whole(outputs.img()),
                    outputs.tensorShape(Part.IMAGE_LATENT))) {
                session.session().runInto(feed.tensors(), Map.of("img_out", out));
            }
            return;
        }
        try (OrtSession.Result result = session.session().run(feed.tensors(), Set.of("img_out"))) {
            OutputReader.into(OutputReader.tensor(result, "img_out"), whole(outputs.img()));
        }
    }

    private void runPinned(ComponentSession.Feed feed, JointOutputs outputs) throws OrtException {
        Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
        try {
            var env = session.session().environment();
            pinned.put("img_out", OnnxTensor.createTensor(env, whole(outputs.img()),
                    outputs.tensorShape(Part.IMAGE_LATENT)));
            pinned.put("clip_img_out", OnnxTensor.createTensor(env, whole(outputs.clipImg()),
                    outputs.tensorShape(Part.CLIP)));
            pinned.put("text_out", OnnxTensor.createTensor(env, whole(outputs.text()),
                    outputs.tensorShape(Part.TEXT)));
            session.session().runInto(feed.tensors(), pinned);
        } finally {
            for (OnnxTensor t : pinned.values()) {
                t.close();
            }
        }
    }

    private void runConverted(ComponentSession.Feed feed, JointOutputs outputs) throws OrtException {
        try (OrtSession.Result result = session.session().run(feed.tensors(), Set.copyOf(OUTPUTS))) {
            OutputReader.into(OutputReader.tensor(result, "img_out"), whole(outputs.img()));
            OutputReader.into(OutputReader.tensor(result, "clip_img_out"), whole(outputs.clipImg()));
            OutputReader.into(OutputReader.tensor(result, "text_out"), whole(outputs.text()));
        }
    }

    /** The whole buffer as a view from 0 to its capacity, whatever its position. */
    private static FloatBuffer whole(FloatBuffer b) {
        FloatBuffer d = b.duplicate();
        d.clear();
        return d;
    }
}
