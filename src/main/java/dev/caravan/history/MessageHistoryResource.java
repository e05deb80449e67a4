package dev.caravan.history;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.caravan.gateway.GatewayException;
import dev.caravan.security.UserRegistry;

/** "Where did message X go": the hops of a message by its correlation id, for operators. */
@Path("/api/messages")
@RolesAllowed({UserRegistry.ROLE_OPERATOR, UserRegistry.ROLE_ADMIN})
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Message history")
public class MessageHistoryResource {

    @Inject
    MessageHistory history;

    @GET
    @Path("/{correlationId}/history")
    @Operation(summary = "The hops of the message with this correlation id: routes, destinations, outcomes")
    public MessageHistory.Trail trail(@PathParam("correlationId") String correlationId) {
        return history.trail(correlationId).orElseThrow(() -> new GatewayException(404,
                "no message with correlation id '" + correlationId + "' in the history (it keeps the last "
                        + history.capacity() + " correlation ids; messages without one are not followed)"));
    }
}
