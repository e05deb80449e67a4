package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client on a bare socket, for requests that well-behaved clients refuse to send: control characters and
 * raw bytes in header values, duplicated headers, a declared length that the body never reaches, bodies far over a
 * limit. Header lines are written byte for byte (ISO-8859-1 strings carry any byte 0-255). Every request asks for
 * {@code Connection: close}, so the answer is everything up to the server closing.
 */
public final class RawHttp {

    /** How the body goes on the wire. */
    public enum Framing {
        /** {@code Content-Length} of the whole body. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, 64 KiB chunks. */
        CHUNKED,
        /** {@code Content-Length} of the whole body, but only half of it is sent before the client stops writing. */
        SHORT
    }

    /** The answer; {@code status} is 0 when the server closed without one. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    public static Answer post(int port, String target, List<String[]> headers, byte[] body, Framing framing)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n").append("Connection: close\r\n");
            for (String[] header : headers) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            if (framing == Framing.CHUNKED) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                writeBody(out, body, framing);
                out.flush();
                if (framing == Framing.SHORT) {
                    socket.shutdownOutput();
                }
            } catch (IOException refusedMidBody) {
                // The server may answer (413) and close before the whole body is written: read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    private static void writeBody(OutputStream out, byte[] body, Framing framing) throws IOException {
        switch (framing) {
            case CHUNKED :
                for (int at = 0; at < body.length; at += 65_536) {
                    int size = Math.min(65_536, body.length - at);
                    out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, size);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                break;
            case SHORT :
                out.write(body, 0, body.length / 2);
                break;
            default :
                out.write(body);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException reset) {
            // A reset after the answer (the server closing on an unread body) still leaves the answer readable.
        }
        byte[] bytes = all.toByteArray();
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (bytes.length == 0 || end < 0) {
            return new Answer(0, Map.of(), bytes);
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(status[1]), headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(chunked, at, chunked.length),
                    "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(chunked, at, lineEnd, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = Integer.parseInt(sizeLine, 16);
            at += lineEnd + 2;
            if (size == 0) {
                break;
            }
            body.write(chunked, at, Math.min(size, chunked.length - at));
            at += size + 2;
        }
        return body.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
