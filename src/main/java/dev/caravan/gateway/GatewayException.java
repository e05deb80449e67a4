package dev.caravan.gateway;

/** A request the gateway answers with a 4xx or 5xx status and a JSON body {@code {"error": message}}. */
public class GatewayException extends RuntimeException {

    private final int status;

    public GatewayException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
