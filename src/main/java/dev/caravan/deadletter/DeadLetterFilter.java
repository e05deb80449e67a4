package dev.caravan.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.ws.rs.BadRequestException;

/**
 * Which dead letters an operator means: by route, exception class, failure time range and text in the body. The
 * first three become a JMS selector evaluated by the broker; the body text is matched here, since selectors cannot
 * read bodies.
 */
public record DeadLetterFilter(String routeId, String exceptionClass, Instant from, Instant to, String text) {

    private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.]{0,299}");

    public static final DeadLetterFilter NONE = new DeadLetterFilter(null, null, null, null, null);

    /** Validates an operator's filter; anything malformed is a 400 with the reason. */
    public static DeadLetterFilter of(String routeId, String exceptionClass, String from, String to, String text) {
        if (routeId != null && !ROUTE_ID.matcher(routeId).matches()) {
            throw new BadRequestException("route must be a route id ([A-Za-z0-9._-], 1-200 characters)");
        }
        if (exceptionClass != null && !CLASS_NAME.matcher(exceptionClass).matches()) {
            throw new BadRequestException("exception must be a class name, e.g. java.io.IOException");
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && start.isAfter(end)) {
            throw new BadRequestException("from must not be after to");
        }
        if (text != null && (text.isEmpty() || text.length() > 1000)) {
            throw new BadRequestException("text must be 1-1000 characters");
        }
        return new DeadLetterFilter(routeId, exceptionClass, start, end, text);
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 instant such as 2026-11-21T09:00:00Z, not '"
                    + value + "'");
        }
    }

    /** The broker-side part as a JMS selector, or null for every message. Values were validated by {@link #of}. */
    public String selector() {
        List<String> terms = new ArrayList<>();
        if (routeId != null) {
            terms.add(DeadLetterHeaders.ROUTE_ID + " = " + literal(routeId));
        }
        if (exceptionClass != null) {
            terms.add(DeadLetterHeaders.EXCEPTION_CLASS + " = " + literal(exceptionClass));
        }
        if (from != null) {
            terms.add(DeadLetterHeaders.LAST_FAILED_AT + " >= " + from.toEpochMilli());
        }
        if (to != null) {
            terms.add(DeadLetterHeaders.LAST_FAILED_AT + " <= " + to.toEpochMilli());
        }
        return terms.isEmpty() ? null : String.join(" AND ", terms);
    }

    /** Whether the body text condition (if any) holds. */
    public boolean matchesBody(String body) {
        return text == null || (body != null && body.contains(text));
    }

    public boolean needsBody() {
        return text != null;
    }

    /** A selector string literal: quotes doubled, as the JMS selector grammar escapes them. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Both conditions joined, either may be null. */
    static String and(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return "(" + a + ") AND (" + b + ")";
    }
}
