package org.unidiff.api;

/**
 * Which stage of a request is sampling, for progress reports and for the noise seed.
 *
 * @param name  shown in {@link Progress#stage()}
 * @param index from 0
 * @param count stages of the request
 */
record Stage(String name, int index, int count) {

    static Stage only(String name) {
        return new Stage(name, 0, 1);
    }
}
