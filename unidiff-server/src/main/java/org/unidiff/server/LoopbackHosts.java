package org.unidiff.server;

import java.util.Locale;

/**
 * The Host header values a loopback-bound server answers: {@code localhost} (and its subdomains,
 * which resolve to loopback by RFC 6761), any {@code 127.x.x.x} literal and {@code [::1]}, each
 * with or without a port. Any other name means the request was addressed to another host, which
 * for a loopback server is a page using DNS rebinding.
 */
final class LoopbackHosts {

    private LoopbackHosts() {
    }

    /** Whether {@code host} (a Host header value, possibly with a port; null when absent) is loopback. */
    static boolean isLoopbackHost(String host) {
        if (host == null || host.isBlank()) {
            // HTTP/1.0 clients may send none; nothing names another site then.
            return true;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1") && portOrNothing(h.substring(end + 1));
        }
        int colon = h.lastIndexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        if (colon >= 0 && !portOrNothing(h.substring(colon))) {
            return false;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || isLoopbackV4(name);
    }

    private static boolean portOrNothing(String rest) {
        return rest.isEmpty() || rest.matches(":\\d{1,5}");
    }

    private static boolean isLoopbackV4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
