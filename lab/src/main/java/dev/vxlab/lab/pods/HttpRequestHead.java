package dev.vxlab.lab.pods;

import java.util.Locale;
import java.util.Map;

/** The request line and headers of one HTTP/1.x request, header names in lower case. */
record HttpRequestHead(String method, String target, String version, Map<String, String> headers) {

    /** The target without its query string. */
    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it. */
    boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    }

    long contentLength() {
        try {
            return Long.parseLong(headers.getOrDefault("content-length", "0").trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
