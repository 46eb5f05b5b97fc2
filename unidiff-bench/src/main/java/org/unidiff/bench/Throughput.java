package org.unidiff.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;

/**
 * Images per second of one library instance serving several text to image requests at once: for each concurrency
 * c, c threads each make the same number of single-image requests (own prompt and seed each) back to back, and
 * the rate is all images over the wall time of the whole cell. ONNX Runtime fixes its intra-op pool once per
 * process, so one run measures one thread count; {@code scripts/bench-throughput.sh} runs one process per count.
 */
final class Throughput {

    private Throughput() {
    }

    static ResultTable table(Unidiff unidiff, List<Integer> concurrencies, int requestsPerThread, int warmup,
                             long seed, int steps, String sampler, String threadsLabel) throws Exception {
        ResultTable table = new ResultTable("Throughput: text->image, one image a request, intra-op threads "
                + threadsLabel, List.of("concurrent requests", "intra-op threads", "images/s", "median s/request",
                "images/s vs 1 request"));
        List<String> prompts = new ArrayList<>();
        int most = concurrencies.stream().mapToInt(Integer::intValue).max().orElse(1);
        PromptSets.evaluation(seed, most * requestsPerThread, PromptSets.Pairs.SEEN).forEach(p -> prompts.add(p.prompt()));
        for (int i = 0; i < warmup; i++) {
            request(unidiff, prompts.get(0), seed, steps, sampler);
        }
        double single = Double.NaN;
        for (int c : concurrencies) {
            ExecutorService pool = Executors.newFixedThreadPool(c);
            try {
                List<Future<long[]>> work = new ArrayList<>();
                long start = System.nanoTime();
                for (int w = 0; w < c; w++) {
                    int worker = w;
                    work.add(pool.submit(() -> {
                        long[] latencies = new long[requestsPerThread];
                        for (int r = 0; r < requestsPerThread; r++) {
                            int k = worker * requestsPerThread + r;
                            long t0 = System.nanoTime();
                            request(unidiff, prompts.get(k), seed + 31L * k, steps, sampler);
                            latencies[r] = System.nanoTime() - t0;
                        }
                        return latencies;
                    }));
                }
                Timings latency = new Timings();
                for (Future<long[]> f : work) {
                    for (long l : f.get()) {
                        latency.add(l);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = c * requestsPerThread / seconds;
                if (Double.isNaN(single)) {
                    single = rate;
                }
                table.addRow(List.of(Integer.toString(c), threadsLabel, String.format(Locale.ROOT, "%.2f", rate),
                        String.format(Locale.ROOT, "%.2f", latency.medianMillis() / 1000),
                        String.format(Locale.ROOT, "%.2f", rate / single)));
            } finally {
                pool.shutdownNow();
            }
        }
        table.addNote(String.format(Locale.ROOT, "%s, %d steps; %d requests per requesting thread after %d warm-up "
                + "requests; images/s = all images of the cell over its wall time; 'vs 1 request' against the "
                + "first row", sampler, steps, requestsPerThread, warmup));
        return table;
    }

    private static void request(Unidiff unidiff, String prompt, long seed, int steps, String sampler) {
        unidiff.textToImage(new TextToImageRequest(prompt, new SamplingOptions(seed, steps, sampler, null, 1, null)));
    }
}
