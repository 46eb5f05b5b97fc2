package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a request it refuses before the API sees it: a malformed request
 * line 400, a URI too long 414, headers too large 431) as RFC 9457 problem documents, like every
 * other error of the API, instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The problem document of an HTTP status Jetty answered by itself. */
    static byte[] document(int status, String reason) {
        ObjectNode n = MAPPER.createObjectNode();
        String slug = switch (status) {
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 408 -> "request-timeout";
            default -> "bad-request";
        };
        n.put("type", "urn:unidiff:problem:" + slug);
        String title = HttpStatus.getMessage(status);
        n.put("title", title == null ? "Error" : title);
        n.put("status", status);
        n.put("detail", reason == null || reason.isBlank() ? "the request was refused by the HTTP layer" : reason);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(document(status, reason));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType(Problem.MEDIA_TYPE);
        response.getOutputStream().write(document(code, message));
    }
}
