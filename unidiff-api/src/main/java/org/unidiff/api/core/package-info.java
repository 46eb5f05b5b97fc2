/**
 * The vocabulary shared by the facade ({@code org.unidiff.api}) and the engine
 * ({@code org.unidiff.api.engine}): sampling options, task ids, generation parameters, progress,
 * cancellation, how a model is opened, and the library's exceptions. It sits below both, so the
 * engine depends on these types and never on the facade.
 */
package org.unidiff.api.core;
