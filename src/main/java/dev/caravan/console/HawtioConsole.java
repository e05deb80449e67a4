package dev.caravan.console;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Hawtio, the operators' console, at {@code /hawtio}: Camel routes, route diagrams with live counters, statistics,
 * endpoints, exchanges in flight, tracing, debugging and the JMX tree (with the broker's addresses and queues).
 * <p>
 * Hawtio's Quarkus extension ({@code io.hawt:hawtio-quarkus}) does not resolve from the Maven repository Caravan is
 * built from (its parent POM and deployment jar are missing), so the console is assembled from the parts that do:
 * <ul>
 * <li>the UI: the static files of {@code io.hawt:hawtio-war}, unpacked by the build into
 * {@code META-INF/resources/hawtio/} and served by Quarkus like any static page;</li>
 * <li>Jolokia (JMX over HTTP), the UI's only back end: {@code hawtio-system}'s agent servlet on {@code quarkus-undertow}
 * at {@code /hawtio/jolokia}, with {@link HawtioServices} ({@code META-INF/web.xml});</li>
 * <li>the few small answers the UI asks its back end for (who is logged in, whether a proxy exists), and the
 * forwarding of the UI's own page addresses ({@code /hawtio/camel/routes}) to its single page: here.</li>
 * </ul>
 * Hawtio 4.2 has no Artemis plugin: the broker's addresses and queues are operated in its JMX tree. The Artemis
 * console (Hawtio 4.7 with that plugin) was tried against this Jolokia and is not served: its UI needs the Hawtio 4.7
 * server side, which does not resolve either (README, "Operators' console").
 * <p>
 * Caravan's HTTP login guards all of it (operator or admin, {@code application.properties}); Hawtio's own login is
 * off. Jolokia is reached only through that login, on Caravan's HTTP port and address, and refuses cross-site calls
 * ({@link SameOriginGuard}) and anything outside {@code jolokia-access.xml}.
 */
@ApplicationScoped
public class HawtioConsole {

    private static final Logger LOG = Logger.getLogger(HawtioConsole.class);

    /** First path segments under /hawtio/ that are back-end endpoints or files, never pages of the UI. */
    private static final Set<String> NOT_PAGES = Set.of("jolokia", "auth", "keycloak", "plugin", "user", "proxy",
            "static", "img");

    void install(@Observes Router router) {
        router.get("/hawtio").handler(ctx -> {
            // Vert.x matches "/hawtio" for "/hawtio/" too; that one is the page itself.
            if ("/hawtio".equals(ctx.normalizedPath())) {
                ctx.redirect("hawtio/");
            } else {
                ctx.next();
            }
        });
        router.route("/hawtio/jolokia/*").handler(HawtioConsole::sameOriginOnly);
        router.get("/hawtio/user").handler(HawtioConsole::user);
        // The Connect tab reaches other JVMs through Hawtio's proxy; Caravan does not ship the proxy.
        router.get("/hawtio/proxy/enabled").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end("false"));
        router.get("/hawtio/*").handler(HawtioConsole::pageOfTheUi);
    }

    private static void sameOriginOnly(RoutingContext ctx) {
        var request = ctx.request();
        String refusal = SameOriginGuard.refusal(request.getHeader("Host"), request.getHeader("Origin"),
                request.getHeader("Sec-Fetch-Site"));
        if (refusal == null) {
            ctx.next();
            return;
        }
        LOG.warnf("Console: %s %s refused: %s", request.method(), request.path(), refusal);
        ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                .end(Json.encode(java.util.Map.of("error", refusal)));
    }

    /** Hawtio shows who is logged in; that is Caravan's user, as a JSON string. */
    private static void user(RoutingContext ctx) {
        String name = ctx.user() instanceof QuarkusHttpUser user
                ? user.getSecurityIdentity().getPrincipal().getName()
                : "";
        ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(name));
    }

    /**
     * The UI is one page that shows its tabs at addresses of their own ({@code /hawtio/camel/routes}); a browser that
     * opens or reloads such an address gets the page, which then shows the tab. Files have a dot in their last
     * segment and are left to the static files.
     */
    private static void pageOfTheUi(RoutingContext ctx) {
        String path = ctx.normalizedPath().substring("/hawtio/".length());
        String first = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (path.isEmpty() || last.contains(".") || NOT_PAGES.contains(first)) {
            ctx.next();
        } else {
            ctx.reroute("/hawtio/index.html");
        }
    }
}
