/**
 * The unidiff HTTP service: a JSON API over every task of a bundle, jobs with progress events,
 * request batching, limits, metrics and one static web page. Started by {@code ./unidiff serve}
 * ({@link org.unidiff.server.ServerMain}).
 */
package org.unidiff.server;
