package org.unidiff.shapes;

/**
 * Measurements of the object's coverage map (the per-pixel fraction of object colour: 1 inside, 0 on the
 * background) from which the analyzer decides shape, size and position.
 *
 * <p>The shape decision uses cumulants of the coverage distribution because a blur (a convolution with a
 * symmetric kernel) leaves the area, the centroid and the third and fourth cumulants unchanged, while the
 * box-based fill ratio drifts as blurred corners fade. Both dimensionless cumulant measures are divided by
 * powers of the area so that they do not depend on the size.
 *
 * @param area sum of coverage, in pixels
 * @param centroidX coverage-weighted mean x, pixels
 * @param centroidY coverage-weighted mean y, pixels
 * @param width sum over columns of the column's largest coverage: the object's width with sub-pixel edges
 * @param height the same over rows
 * @param fillRatio area / (width * height): 1 square, pi/4 circle, 1/2 triangle and diamond on clean renders
 * @param symmetry up-down asymmetry: the third vertical cumulant over area^1.5; 0 for the up-down symmetric
 *     shapes, -0.0210 for an apex-up triangle (image y grows downwards)
 * @param squareness fourth cumulants along the diagonals minus those along the axes, over 2 area^2:
 *     +1/240 (0.00417) for the axis-aligned square, 0 for the circle, -1/240 for the diamond; it says whether
 *     the mass fills the axis-aligned box or the rotated one, the role the fill ratio plays on clean images
 * @param colorResidual root-mean-square distance, in RGB units, of object pixels from the blend line between
 *     the background and the chosen palette colour
 */
public record ShapeFeatures(double area, double centroidX, double centroidY, double width, double height,
                            double fillRatio, double symmetry, double squareness, double colorResidual) {
}
