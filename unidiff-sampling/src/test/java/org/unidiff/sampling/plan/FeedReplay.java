package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * An independent reading of GuidedJointModel's documented contract: from the plan, the given
 * values and each sample's recorded noise it derives what every input of a recorded call must
 * be (timesteps, values, row order, noise draw order) and what the guided output must be.
 */
final class FeedReplay {

    private final TaskPlan plan;
    private final JointShape shape;
    private final NoiseSchedule schedule;
    private final GivenValues given;
    private final double[][] noise;
    private final int[] cursor;
    private final int samples;

    /**
     * @param noise noise[n] is everything sample n's source will hand out; the cursor starts after
     *              the initial state
     */
    FeedReplay(TaskPlan plan, JointShape shape, NoiseSchedule schedule, GivenValues given, double[][] noise,
               int initialStateLength) {
        this.plan = plan;
        this.shape = shape;
        this.schedule = schedule;
        this.given = given;
        this.noise = noise;
        this.samples = noise.length;
        this.cursor = new int[samples];
        java.util.Arrays.fill(cursor, initialStateLength);
    }

    /** The state offset of a part by the documented layout, computed from scratch. */
    static int layoutOffset(TaskPlan plan, JointShape shape, int sample, int slot, Part part) {
        int perSample = 0;
        for (int g = 0; g < shape.groupSize(); g++) {
            for (Part p : Part.values()) {
                if (plan.generates(g, p.stream())) {
                    perSample += p.size(shape);
                }
            }
        }
        int offset = sample * perSample;
        for (int g = 0; g < shape.groupSize(); g++) {
            for (Part p : Part.values()) {
                if (g == slot && p == part) {
                    return offset;
                }
                if (plan.generates(g, p.stream())) {
                    offset += p.size(shape);
                }
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Checks one recorded call made at state x and time t, advancing the noise cursors. */
    void checkInputs(RecordingJointPredictor.Call call, int passes, double[] x, double t) {
        int groupSize = shape.groupSize();
        assertEquals(passes * samples, call.rows(), "rows = passes x samples");
        for (int p = 0; p < passes; p++) {
            for (int n = 0; n < samples; n++) {
                int row = p * samples + n;
                for (int g = 0; g < groupSize; g++) {
                    for (Stream stream : Stream.values()) {
                        Role role = plan.pass(p).role(g, stream);
                        double time = role == Role.GENERATE || role == Role.RENOISE ? schedule.networkTime(t)
                                : role == Role.MARGINALIZE ? schedule.networkTimeNoise() : 0.0;
                        float[] times = stream == Stream.IMAGE ? call.tImg() : call.tText();
                        String where = "pass " + p + " sample " + n + " slot " + g + " " + stream + " (" + role + ")";
                        assertEquals((float) time, times[row * groupSize + g], where + " timestep");
                        int inStream = 0;
                        for (Part part : stream.parts()) {
                            int size = part.size(shape);
                            float[] actual = call.inputs().get(part);
                            int at = (row * groupSize + g) * size;
                            for (int i = 0; i < size; i++) {
                                float expected = expected(role, x, n, g, part, stream, inStream + i, t);
                                assertEquals(expected, actual[at + i], where + " " + part + "[" + i + "]");
                            }
                            inStream += size;
                        }
                    }
                }
            }
        }
    }

    private float expected(Role role, double[] x, int n, int g, Part part, Stream stream, int indexInStream, double t) {
        switch (role) {
            case GENERATE:
                return (float) x[layoutOffset(plan, shape, n, g, part) + indexInStream - part.offsetInStream(shape)];
            case CONDITION:
                return (float) given.value(g, stream, n)[indexInStream];
            case EMPTY_CONDITION:
                return (float) given.empty(stream).orElseThrow()[indexInStream];
            case MARGINALIZE:
                return (float) noise[n][cursor[n]++];
            case RENOISE:
                return (float) (schedule.alpha(t) * given.value(g, stream, n)[indexInStream]
                        + schedule.sigma(t) * noise[n][cursor[n]++]);
            default:
                throw new AssertionError(role);
        }
    }

    /** Checks the model's output against the guidance rule applied to the recorded outputs. */
    void checkGuidance(RecordingJointPredictor.Call call, double scale, double[] out) {
        int groupSize = shape.groupSize();
        for (int n = 0; n < samples; n++) {
            for (int g = 0; g < groupSize; g++) {
                for (Part part : Part.values()) {
                    if (!plan.generates(g, part.stream())) {
                        continue;
                    }
                    OptionalInt u = plan.guidancePass(g, part.stream());
                    int size = part.size(shape);
                    float[] o = call.outputs().get(part);
                    int cond = (n * groupSize + g) * size;
                    int base = layoutOffset(plan, shape, n, g, part);
                    for (int i = 0; i < size; i++) {
                        double c = o[cond + i];
                        double expected = c;
                        if (scale > 0 && u.isPresent()) {
                            double un = o[((u.getAsInt() * samples + n) * groupSize + g) * size + i];
                            expected = c + scale * (c - un);
                        }
                        assertEquals(expected, out[base + i], 1e-12,
                                "sample " + n + " slot " + g + " " + part + "[" + i + "]");
                    }
                }
            }
        }
    }

    /** How far the replay has read sample n's noise. */
    int cursor(int n) {
        return cursor[n];
    }
}
