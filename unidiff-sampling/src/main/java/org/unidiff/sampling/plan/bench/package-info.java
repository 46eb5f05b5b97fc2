/** Benchmark commands for the plan package; they print tables and are not part of the API. */
package org.unidiff.sampling.plan.bench;
