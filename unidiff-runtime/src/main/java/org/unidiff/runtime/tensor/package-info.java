/** Tensor element types, float16 conversion and reusable direct input buffers. */
package org.unidiff.runtime.tensor;
