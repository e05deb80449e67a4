package dev.caravan.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a throttled HTTP login with 429, {@code Retry-After} and a JSON reason instead of the 401 challenge: a client
 * (or its operator) learns to wait rather than to try another password.
 */
@ApplicationScoped
public class LoginThrottledHandler {

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(LoginThrottledHandler::handle);
    }

    static void handle(RoutingContext context) {
        Throwable failure = context.failure();
        while (failure != null && !(failure instanceof LoginThrottledException)) {
            failure = failure.getCause();
        }
        if (failure == null || context.response().headWritten()) {
            context.next();
            return;
        }
        LoginThrottledException throttled = (LoginThrottledException) failure;
        context.response().setStatusCode(429)
                .putHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()))
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "too many failed logins; try again in "
                        + throttled.retryAfterSeconds() + " s").encode());
    }
}
