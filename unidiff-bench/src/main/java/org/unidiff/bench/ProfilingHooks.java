package org.unidiff.bench;

import java.util.EnumMap;
import java.util.Map;
import org.unidiff.api.engine.EngineHooks;
import org.unidiff.api.engine.Phase;
import org.unidiff.sampling.plan.JointPredictor;

/**
 * Engine hooks that split the time of the calls made on one thread into
 * {@link BreakdownStage}s: the engine reports its phases, and the transformer it hands the
 * solver is wrapped with a clock, so the sampler's own share is the solve minus the transformer.
 * Optionally the transformer is replaced by one that predicts zeros instantly, which times the
 * solver and guidance alone. The timings are of the real engine, not of a copy of it.
 *
 * <p>For one thread: {@link #reset()}, make a call, read {@link #nanos()}.
 */
public final class ProfilingHooks implements EngineHooks {

    private final Map<BreakdownStage, Long> nanos = new EnumMap<>(BreakdownStage.class);
    private TimedPredictor transformer;
    private long sampling;
    private boolean zeroTransformer;

    @Override
    public JointPredictor transformer(JointPredictor real) {
        TimedPredictor timed = new TimedPredictor(zeroTransformer ? new NullPredictor(real.predictionType()) : real);
        transformer = timed;
        return timed;
    }

    @Override
    public void timed(Phase phase, long phaseNanos) {
        if (phase == Phase.SAMPLING) {
            sampling += phaseNanos;
            long inTransformer = transformer == null ? 0 : transformer.nanos();
            add(BreakdownStage.TRANSFORMER, inTransformer);
            add(BreakdownStage.SAMPLER, phaseNanos - inTransformer);
            transformer = null;
            return;
        }
        add(BreakdownStage.valueOf(phase.name()), phaseNanos);
    }

    private void add(BreakdownStage stage, long value) {
        nanos.merge(stage, value, Long::sum);
    }

    /** Whether the next calls' transformer predicts zeros without running the model. */
    public void zeroTransformer(boolean on) {
        this.zeroTransformer = on;
    }

    /** Clears the times. */
    public void reset() {
        nanos.clear();
        sampling = 0;
        transformer = null;
    }

    /** Nanoseconds per stage since the last reset. */
    public Map<BreakdownStage, Long> nanos() {
        return new EnumMap<>(nanos);
    }

    /** Nanoseconds of whole solves (transformer and sampler) since the last reset. */
    public long samplingNanos() {
        return sampling;
    }
}
