package dev.caravan.deadletter;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The operators' dead-letter page is static ({@code META-INF/resources/dlq/}); an operator who types {@code /dlq}
 * is sent to {@code /dlq/}, where its relative links to its script and to the API resolve.
 */
@ApplicationScoped
public class DeadLetterPage {

    void install(@Observes Router router) {
        // Vert.x matches "/dlq" for "/dlq/" too; that one is the page itself.
        router.get("/dlq").handler(ctx -> {
            if ("/dlq".equals(ctx.normalizedPath())) {
                ctx.redirect("dlq/");
            } else {
                ctx.next();
            }
        });
    }
}
