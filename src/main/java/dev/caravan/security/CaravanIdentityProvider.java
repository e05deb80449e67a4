package dev.caravan.security;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * HTTP basic authentication against Caravan's {@link UserRegistry}: the same users as the broker. Failed logins count
 * in the same {@link LoginThrottle} as the broker's; past its limit a login is refused unchecked with
 * {@link LoginThrottledException} as the cause (429, see {@link LoginThrottledHandler}).
 */
@ApplicationScoped
public class CaravanIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    UserRegistry users;

    @Inject
    LoginThrottle throttle;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String name = request.getUsername();
        String source = source(request);
        Optional<Duration> refused = throttle.refusedFor(name, source);
        if (refused.isPresent()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("too many failed logins",
                    new LoginThrottledException(refused.get())));
        }
        String password = new String(request.getPassword().getPassword());
        return users.authenticate(name, password)
                .map(user -> {
                    throttle.succeeded(name, source);
                    return Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(user.name()))
                            .addRoles(user.roles())
                            .build());
                })
                .orElseGet(() -> {
                    // Who tried and from where; never the password.
                    throttle.failed("HTTP", name, source);
                    return Uni.createFrom().failure(new AuthenticationFailedException("invalid credentials"));
                });
    }

    /**
     * The TCP peer's address. Forwarded headers are not believed (Quarkus' proxy support is off), so a client cannot
     * escape its count by inventing an X-Forwarded-For.
     */
    private static String source(UsernamePasswordAuthenticationRequest request) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        SocketAddress remote = routing == null ? null : routing.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
