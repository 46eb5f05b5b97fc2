package org.unidiff.sampling.solver;

/**
 * Progress of a solver run, reported once per model evaluation, before the evaluation is made.
 *
 * @param evaluation       index of the evaluation about to run, from 0
 * @param totalEvaluations how many evaluations the run makes in all
 * @param time             continuous time of this evaluation
 */
public record StepEvent(int evaluation, int totalEvaluations, double time) {
}
