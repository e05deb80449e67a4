package dev.caravan.routing;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.caravan.security.UserRegistry;

/** Which route files are loaded, which failed and why: the API face of route reloading. */
@Path("/api/routes/files")
@Produces(MediaType.APPLICATION_JSON)
public class RouteFilesResource {

    @Inject
    RouteFileLoader loader;

    @GET
    @RolesAllowed({UserRegistry.ROLE_OPERATOR, UserRegistry.ROLE_ADMIN})
    public List<RouteFileStatus> list() {
        return loader.statuses();
    }
}
