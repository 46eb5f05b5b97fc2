/** The bundle manifest {@code unidiff.json}: one record per section, read and validated by {@link org.unidiff.runtime.manifest.ManifestReader}. */
package org.unidiff.runtime.manifest;
