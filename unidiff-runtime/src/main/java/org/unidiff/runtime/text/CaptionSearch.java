package org.unidiff.runtime.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The caption decoder's search, as UniDiffuser specifies it: beam search at temperature 1 where
 * candidates are ranked by total log-probability divided by their length (end token included),
 * finished beams stay in the beam with a single continuation of cost 0 (so they compete by their
 * frozen score), and the search stops when every beam has finished or after {@code maxNewTokens}
 * tokens. Greedy decoding is provided separately.
 */
public final class CaptionSearch {

    private CaptionSearch() {
    }

    /**
     * Beam search.
     *
     * @param model        next-token logits
     * @param beamSize     beams kept per step (at least 1)
     * @param maxNewTokens most tokens generated (at least 1)
     * @param eosId        the end token
     * @return the final beams, best first (ties keep the earlier candidate)
     */
    public static List<Hypothesis> beam(NextTokenLogits model, int beamSize, int maxNewTokens, long eosId) {
        check(beamSize, maxNewTokens);
        List<Hypothesis> beams = List.of(new Hypothesis(new long[0], 0.0, false));
        for (int step = 0; step < maxNewTokens; step++) {
            List<long[]> prefixes = new ArrayList<>();
            for (Hypothesis h : beams) {
                if (!h.finished()) {
                    prefixes.add(h.tokens());
                }
            }
            float[][] logits = model.next(prefixes);
            if (logits.length != prefixes.size()) {
                throw new IllegalStateException("model returned " + logits.length + " rows for " + prefixes.size()
                        + " prefixes");
            }
            List<Candidate> candidates = new ArrayList<>();
            int row = 0;
            for (Hypothesis h : beams) {
                if (h.finished()) {
                    candidates.add(new Candidate(h, -1, h.logProb(), h.length()));
                    continue;
                }
                double[] logProbs = logSoftmax(logits[row++]);
                // All of a beam's extensions share one length, so only its beamSize best tokens can
                // make the cut: this keeps the candidate list small for large vocabularies.
                for (int token : topTokens(logProbs, beamSize)) {
                    candidates.add(new Candidate(h, token, h.logProb() + logProbs[token], h.length() + 1));
                }
            }
            // A stable sort keeps earlier beams and lower token ids first among equal scores.
            candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
            List<Hypothesis> next = new ArrayList<>(beamSize);
            for (int i = 0; i < Math.min(beamSize, candidates.size()); i++) {
                next.add(candidates.get(i).toHypothesis(eosId));
            }
            beams = next;
            if (beams.stream().allMatch(Hypothesis::finished)) {
                break;
            }
        }
        List<Hypothesis> ranked = new ArrayList<>(beams);
        ranked.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        return ranked;
    }

    /**
     * Greedy decoding: the most likely token at every step, until the end token or {@code maxNewTokens}.
     *
     * @return the single hypothesis (its log-probability is the sum over the chosen tokens)
     */
    public static Hypothesis greedy(NextTokenLogits model, int maxNewTokens, long eosId) {
        check(1, maxNewTokens);
        long[] tokens = new long[0];
        double logProb = 0;
        for (int step = 0; step < maxNewTokens; step++) {
            float[][] logits = model.next(List.of(tokens));
            double[] logProbs = logSoftmax(logits[0]);
            int best = 0;
            for (int t = 1; t < logProbs.length; t++) {
                if (logProbs[t] > logProbs[best]) {
                    best = t;
                }
            }
            tokens = Arrays.copyOf(tokens, tokens.length + 1);
            tokens[tokens.length - 1] = best;
            logProb += logProbs[best];
            if (best == eosId) {
                return new Hypothesis(tokens, logProb, true);
            }
        }
        return new Hypothesis(tokens, logProb, false);
    }

    /** Indices of the {@code k} largest finite values, largest first, lower index first among equals. */
    static int[] topTokens(double[] values, int k) {
        int[] best = new int[Math.min(k, values.length)];
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v == Double.NEGATIVE_INFINITY || (count == best.length && v <= values[best[count - 1]])) {
                continue;
            }
            int pos = count == best.length ? count - 1 : count++;
            while (pos > 0 && values[best[pos - 1]] < v) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        return Arrays.copyOf(best, count);
    }

    /** log(softmax(logits)) in double precision, shifted by the maximum for stability. */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (Float.isNaN(v)) {
                throw new IllegalStateException("model returned NaN logits");
            }
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double logSum = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logSum;
        }
        return out;
    }

    private static void check(int beamSize, int maxNewTokens) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
        }
    }

    /** A beam extended by one token ({@code token < 0}: a finished beam carried over unchanged). */
    private record Candidate(Hypothesis parent, int token, double logProb, int length) {

        double score() {
            return logProb / length;
        }

        Hypothesis toHypothesis(long eosId) {
            if (token < 0) {
                return parent;
            }
            long[] tokens = Arrays.copyOf(parent.tokens(), parent.length() + 1);
            tokens[tokens.length - 1] = token;
            return new Hypothesis(tokens, logProb, token == eosId);
        }
    }
}
