package dev.caravan.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bodies above {@code caravan.http.max-body-size} get 413 with the API's JSON error body, like every other bad input.
 * Quarkus enforces the limit itself ({@code quarkus.http.limits.max-body-size} is set from the same key) but answers
 * with an empty body; this answers first when the declared length is over, and rewrites Quarkus' own 413 for bodies
 * without a declared length (chunked).
 */
@ApplicationScoped
public class BodyLimit {

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    void install(@Observes Router router) {
        long max = limit.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && isOver(length, max)) {
                tooLarge(ctx, max);
            } else {
                ctx.next();
            }
        });
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                tooLarge(ctx, max);
            } else {
                ctx.next();
            }
        });
    }

    private static boolean isOver(String length, long max) {
        try {
            return Long.parseLong(length.trim()) > max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void tooLarge(RoutingContext ctx, long max) {
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                // The rest of an oversized body is not read: close rather than leave the client mid-upload.
                .putHeader("Connection", "close")
                .end(new JsonObject().put("error", "body is larger than " + max + " bytes").encode());
    }
}
