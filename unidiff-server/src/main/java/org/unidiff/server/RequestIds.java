package org.unidiff.server;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of an HTTP request, echoed in {@code X-Request-Id} and written in the access log: the
 * client's own when it sent a usable one (a proxy's trace id), else a new random one. A header
 * that is too long or holds other characters is replaced, so a client cannot forge log lines.
 */
final class RequestIds {

    /** The header name. */
    static final String HEADER = "X-Request-Id";

    private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** The client's id if usable, else a new one. */
    static String accept(String given) {
        return given != null && USABLE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }
}
