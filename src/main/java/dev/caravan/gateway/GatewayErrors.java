package dev.caravan.gateway;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of Caravan's HTTP API answers with its status and a JSON body {@code {"error": "..."}}. */
public class GatewayErrors {

    /** Seconds a client should wait before retrying a 503: about the broker's reconnect back-off. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response gateway(GatewayException e) {
        Response response = json(e.status(), e.getMessage());
        if (e.status() == 503) {
            // Nothing was enqueued and the cause is on the broker's side: tell clients when a retry makes sense.
            response.getHeaders().putSingle("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        }
        return response;
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return json(status, e.getMessage() == null
                ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : e.getMessage());
    }

    static Response json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorBody(message)).build();
    }
}
