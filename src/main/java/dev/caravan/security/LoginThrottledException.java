package dev.caravan.security;

import java.time.Duration;

/**
 * Why a login was refused unchecked: its user had too many failures from the same source recently. Quarkus' own
 * {@code AuthenticationFailedException} is final, so this travels as its cause.
 */
public class LoginThrottledException extends RuntimeException {

    private final Duration retryAfter;

    public LoginThrottledException(Duration retryAfter) {
        super("too many failed logins");
        this.retryAfter = retryAfter;
    }

    /** Whole seconds until a login may be tried again (at least 1). */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
