package dev.caravan.gateway;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of Caravan's HTTP API answers with its status and a JSON body {@code {"error": "..."}}. */
public class GatewayErrors {

    @ServerExceptionMapper
    public Response gateway(GatewayException e) {
        return json(e.status(), e.getMessage());
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
