package org.unidiff.runtime.component;

/** The fixture models' weights, restated from make_fixtures.py so expected outputs are computed here independently. */
final class FixtureWeights {

    static final int IMAGE = 8;
    static final int C = 2;
    static final int H = 4;
    static final int W = 4;
    static final int CLIP_DIM = 4;
    static final int CLIP_SIZE = 4;
    static final int L = 4;
    static final int DT = 2;
    static final int V = 10;
    static final double SCALING = 0.5;

    static final double[][] VAE_ENC_W = {
        {0.5, 0.25, 0.0},
        {0.0, -0.5, 1.0},
        {0.125, 0.125, 0.125},
        {0.0, 0.0, 0.0},
    };
    static final double[] VAE_ENC_B = {0.0, 0.25, -1.0, 25.0};
    static final double[] VAE_DEC_B = {0.125, -0.25, 0.0};
    static final double[][] IMG_ENC_W = {
        {1.0, 0.0, 0.5, -1.0},
        {0.0, 2.0, 0.5, 0.0},
        {0.0, 0.0, 0.5, 3.0},
    };

    private FixtureWeights() {
    }

    /** ConvTranspose weight [c][o][di][dj] = (flat index - 12) / 8. */
    static double vaeDecW(int c, int o, int di, int dj) {
        return ((((c * 3 + o) * 2 + di) * 2 + dj) - 12) / 8.0;
    }

    /** Text encoder embedding row i = (0.5 i, -0.25 i). */
    static double[] textEmbedding(int id) {
        return new double[] {id * 0.5, -id * 0.25};
    }

    /** Caption decoder next-token table: row V is the first token's. */
    static double bigram(int prev, int next) {
        if (next == 0 || next == 1) {
            return -30.0;
        }
        int[][] pairs = {{V, 4}, {4, 5}, {5, 7}, {7, 2}, {6, 8}, {8, 2}, {9, 7}};
        for (int[] p : pairs) {
            if (p[0] == prev && p[1] == next) {
                return 2.0;
            }
        }
        return -4.0;
    }

    /** linspace(-0.5, 0.5, V) in float32. */
    static double direction(int token) {
        return (float) (-0.5 + token / 9.0);
    }

    /** Logits of the token after {@code prev} (V for the first) for a latent with this sum. */
    static float[] logits(int prev, double latentSum) {
        float[] out = new float[V];
        for (int t = 0; t < V; t++) {
            out[t] = (float) (bigram(prev, t) + (float) latentSum * direction(t));
        }
        return out;
    }
}
