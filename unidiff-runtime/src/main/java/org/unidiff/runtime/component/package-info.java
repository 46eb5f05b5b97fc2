/**
 * The six bundle components over their sessions: joint transformer, VAE encoder and decoder, image
 * encoder, text encoder and caption decoder. Each converts between Java arrays (or the sampler's
 * direct buffers) and the element types its model declares.
 */
package org.unidiff.runtime.component;
