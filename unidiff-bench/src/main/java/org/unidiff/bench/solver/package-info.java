/**
 * Micro-benchmarks of the sampling module alone (solvers, the guided joint model on a stand-in
 * predictor): moved here so that library {@code src/main} holds no benchmark mains.
 */
package org.unidiff.bench.solver;
