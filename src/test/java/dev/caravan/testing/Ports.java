package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Free loopback ports, never one that other brokers on the host own. */
public final class Ports {

    private static final Set<Integer> RESERVED = Set.of(5672, 1883, 61613, 61616, 8080, 4222, 5432, 3306, 6379);

    private Ports() {
    }

    public static int free() {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (!RESERVED.contains(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }
}
