/** Images to and from model tensors: cropping, separable Lanczos/bicubic/bilinear resampling, normalization. */
package org.unidiff.runtime.image;
