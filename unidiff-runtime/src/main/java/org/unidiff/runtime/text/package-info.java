/** Tokenizers of a bundle and the caption search (beam and greedy) over a next-token model. */
package org.unidiff.runtime.text;
