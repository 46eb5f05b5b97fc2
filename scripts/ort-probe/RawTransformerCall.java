import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One guided transformer call (2 rows, G = 1) of a bundle's transformer, timed through the bare ONNX Runtime Java
 * binding, with no unidiff code in the path: run as a single-file program against any onnxruntime jar, so binding
 * versions can be compared with each other and with the Python binding (raw_transformer_call.py, same inputs and
 * session settings). Prints one line: version, min, p10 and median milliseconds of ROUNDS calls after 50 warm-up calls.
 *
 * <pre>java -cp onnxruntime-X.jar RawTransformerCall.java MODEL ROUNDS THREADS</pre>
 */
public final class RawTransformerCall {
    private RawTransformerCall() {
    }

    public static void main(String[] args) throws OrtException {
        String model = args[0];
        int rounds = Math.max(10, Math.min(100_000, Integer.parseInt(args[1])));
        int threads = Integer.parseInt(args[2]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // The library's pools do not spin either (OrtRuntime), and the Python probe is set the same way.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            try (OrtSession session = env.createSession(model, options)) {
                Random random = new Random(0);
                Map<String, OnnxTensor> feed = new HashMap<>();
                feed.put("img", gaussian(env, random, 2, 1, 4, 16, 16));
                feed.put("clip_img", gaussian(env, random, 2, 1, 1, 64));
                feed.put("text", gaussian(env, random, 2, 1, 16, 32));
                feed.put("t_img", constant(env, 500f, 2, 1));
                feed.put("t_text", constant(env, 500f, 2, 1));
                for (int i = 0; i < 50; i++) {
                    session.run(feed).close();
                }
                double[] ms = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    long start = System.nanoTime();
                    session.run(feed).close();
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "java %s %.3f %.3f %.3f%n", env.getVersion(), ms[0], ms[rounds / 10],
                        ms[rounds / 2]);
                for (OnnxTensor t : feed.values()) {
                    t.close();
                }
            }
        }
    }

    private static OnnxTensor gaussian(OrtEnvironment env, Random random, long... shape) throws OrtException {
        float[] v = new float[size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
    }

    private static OnnxTensor constant(OrtEnvironment env, float value, long... shape) throws OrtException {
        float[] v = new float[size(shape)];
        Arrays.fill(v, value);
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
    }

    private static int size(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }
}
