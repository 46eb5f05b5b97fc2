package org.unidiff.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.unidiff.api.core.Progress;
import org.unidiff.api.core.ProgressListener;

/**
 * A text progress bar for one library call, driven by its {@link Progress} reports: one unit per
 * transformer evaluation over all stages of the request, the current stage shown beside it.
 *
 * <p>The bar is built on the first report, when the number of evaluations becomes known, so a
 * call that fails before sampling prints nothing. Call {@link #finish()} after the call returns
 * (reports arrive before each evaluation, so the last one is one short of the end), then
 * {@link #close()}.
 */
public final class ConsoleProgress implements ProgressListener, AutoCloseable {

    /** Longest title shown: with the stage and counts, an 80-column line keeps a bar of 13 or more. */
    static final int MAX_TITLE = 20;
    /** Longest stage name shown beside the bar. */
    static final int MAX_STAGE = 16;

    private final String task;
    private final PrintStream out;
    private ProgressBar bar;

    /**
     * @param task the bar's title
     * @param out  where the bar is drawn (standard error, so standard output stays clean for pipes)
     */
    public ConsoleProgress(String task, PrintStream out) {
        this.task = title(task);
        this.out = out;
    }

    /**
     * {@code task}, or its start and end around "..." when longer than {@value #MAX_TITLE}
     * characters: a long file name in the title would otherwise leave the bar no room at all.
     */
    static String title(String task) {
        return shorten(task, MAX_TITLE);
    }

    private static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int head = max / 3;
        int tail = max - head - 3;
        return text.substring(0, head) + "..." + text.substring(text.length() - tail);
    }

    /** Moves the bar to the place of this report and shows its stage. */
    @Override
    public void onProgress(Progress progress) {
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax((long) progress.totalEvaluations() * progress.stageCount())
                    .setStyle(ProgressBarStyle.ASCII)
                    .hideEta()
                    .setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        }
        // Stages of one request may differ in evaluations; placing by the overall fraction keeps
        // the bar monotone and exact (one unit per evaluation) when they do not.
        bar.stepTo(Math.round(progress.fraction() * bar.getMax()));
        bar.setExtraMessage(shorten(progress.stage(), MAX_STAGE));
    }

    /** Fills the bar: the call returned normally. */
    public void finish() {
        if (bar != null) {
            bar.stepTo(bar.getMax());
        }
    }

    /** Evaluations shown as done so far (0 before the first report). */
    public long current() {
        return bar == null ? 0 : bar.getCurrent();
    }

    /** Evaluations in the whole call (0 before the first report). */
    public long max() {
        return bar == null ? 0 : bar.getMax();
    }

    /** Draws the bar a last time and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
