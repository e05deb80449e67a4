package dev.caravan.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;

import dev.caravan.security.UserRegistry;

/** The dead-letter API of DESIGN.md, for operators: list, browse, show, group, replay, delete, purge, audit. */
@Path("/api/dlq")
@RolesAllowed({UserRegistry.ROLE_OPERATOR, UserRegistry.ROLE_ADMIN})
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dead letters")
public class DeadLetterResource {

    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern DELAY = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final int MAX_IDS = 10_000;

    @Inject
    DeadLetterService service;

    @Inject
    SecurityIdentity identity;

    /** A replay request; exactly one of ids, all, filter or group says which dead letters. */
    public record ReplayBody(List<String> ids, Boolean all, FilterBody filter, String group, String destination,
            String body, Map<String, String> headers, String at, String delay, Long limit) {
    }

    /** A filter in a request body; the same fields as the browse query parameters. */
    public record FilterBody(String route, String exception, String from, String to, String text) {
    }

    public record Replayed(long replayed, long skipped, Instant scheduledFor) {
    }

    public record Deleted(long deleted) {
    }

    @GET
    @Operation(summary = "Every DLQ with its depth and oldest failure")
    public List<DeadLetterQueues.Summary> list() {
        return service.list();
    }

    @GET
    @Path("/groups")
    @Operation(summary = "Dead letters of every DLQ grouped by cause (route, exception class, message pattern)")
    public List<FailureGroups.Group> allGroups() throws JMSException {
        return service.groups(null);
    }

    @GET
    @Path("/audit")
    @Operation(summary = "Operator actions on dead letters, newest first")
    public List<DeadLetterAudit.Entry> audit(@QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset) {
        checkPage(offset, limit);
        return service.audit(offset, limit);
    }

    @GET
    @Path("/{dlq}/messages")
    @Operation(summary = "A page of dead letters, oldest first, filtered by route, exception class, time, body text")
    public List<DeadLetter> browse(@PathParam("dlq") String dlq, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("route") String route,
            @QueryParam("exception") String exception, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("text") String text) throws JMSException {
        checkPage(offset, limit);
        return service.browse(dlq, DeadLetterFilter.of(route, exception, from, to, text), offset, limit);
    }

    @GET
    @Path("/{dlq}/messages/{id}")
    @Operation(summary = "One dead letter with its whole body")
    public DeadLetter show(@PathParam("dlq") String dlq, @PathParam("id") String id) throws JMSException {
        return service.show(dlq, id);
    }

    @GET
    @Path("/{dlq}/groups")
    @Operation(summary = "This DLQ's dead letters grouped by cause")
    public List<FailureGroups.Group> groups(@PathParam("dlq") String dlq) throws JMSException {
        return service.groups(dlq);
    }

    @POST
    @Path("/{dlq}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move dead letters back to their original queue (or another), optionally edited or scheduled")
    public Replayed replay(@PathParam("dlq") String dlq, ReplayBody body) throws JMSException {
        DeadLetterReplayer.Result result = service.replay(user(), dlq, request(body));
        return new Replayed(result.replayed(), result.skipped(), result.scheduledFor());
    }

    @DELETE
    @Path("/{dlq}/messages/{id}")
    @Operation(summary = "Delete one dead letter")
    public Deleted delete(@PathParam("dlq") String dlq, @PathParam("id") String id) throws JMSException {
        return new Deleted(service.delete(user(), dlq, id));
    }

    @DELETE
    @Path("/{dlq}/messages")
    @Operation(summary = "Purge the DLQ, or only the dead letters matching the filter parameters")
    public Deleted purge(@PathParam("dlq") String dlq, @QueryParam("route") String route,
            @QueryParam("exception") String exception, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("text") String text) throws JMSException {
        return new Deleted(service.purge(user(), dlq, DeadLetterFilter.of(route, exception, from, to, text)));
    }

    private String user() {
        return identity.getPrincipal().getName();
    }

    private static void checkPage(int offset, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit must be 1-1000");
        }
        if (offset < 0) {
            throw new BadRequestException("offset must not be negative");
        }
    }

    /** Validates a replay body into a request; every mistake is a 400 saying which. */
    static DeadLetterReplayer.Request request(ReplayBody body) {
        if (body == null) {
            throw new BadRequestException("a replay needs a JSON body: {\"ids\":[...]}, {\"all\":true},"
                    + " {\"filter\":{...}} or {\"group\":\"...\"}");
        }
        boolean all = Boolean.TRUE.equals(body.all());
        int selections = (body.ids() != null ? 1 : 0) + (all ? 1 : 0) + (body.filter() != null ? 1 : 0)
                + (body.group() != null ? 1 : 0);
        if (selections != 1) {
            throw new BadRequestException("say which dead letters with exactly one of ids, all, filter or group");
        }
        if (body.ids() != null && (body.ids().isEmpty() || body.ids().size() > MAX_IDS)) {
            throw new BadRequestException("ids must list 1-" + MAX_IDS + " dead letter ids");
        }
        if (body.ids() != null) {
            body.ids().forEach(DeadLetterQueues::requireId);
        }
        if (body.group() != null && !body.group().matches("[0-9a-f]{16}")) {
            throw new BadRequestException("group must be a group key from /api/dlq/{dlq}/groups");
        }
        if (body.destination() != null && !QUEUE_NAME.matcher(body.destination()).matches()) {
            throw new BadRequestException("destination must be a queue name ([A-Za-z0-9._-], 1-200 characters)");
        }
        if (body.body() != null && (body.ids() == null || body.ids().size() != 1)) {
            throw new BadRequestException("an edited body replaces one message: give exactly one id");
        }
        if (body.headers() != null) {
            body.headers().keySet().forEach(name -> {
                if (!name.matches("[A-Za-z_$][A-Za-z0-9_$]{0,199}") || name.startsWith("JMS")
                        || name.startsWith("_AMQ") || DeadLetterMessages.FAILURE_PROPERTIES.contains(name)) {
                    throw new BadRequestException("header '" + name + "' cannot be set: headers are JMS property"
                            + " identifiers, not JMS*, _AMQ* or Caravan's failure fields");
                }
            });
        }
        if (body.limit() != null && body.limit() < 1) {
            throw new BadRequestException("limit must be positive");
        }
        if (body.at() != null && body.delay() != null) {
            throw new BadRequestException("give at or delay, not both");
        }
        Instant at = null;
        if (body.at() != null) {
            try {
                at = Instant.parse(body.at());
            } catch (DateTimeParseException e) {
                throw new BadRequestException("at must be an ISO-8601 instant such as 2026-11-21T22:00:00Z");
            }
        } else if (body.delay() != null) {
            at = Instant.now().plus(delay(body.delay()));
        }
        DeadLetterFilter filter = body.filter() == null
                ? null
                : DeadLetterFilter.of(body.filter().route(), body.filter().exception(), body.filter().from(),
                        body.filter().to(), body.filter().text());
        return new DeadLetterReplayer.Request(body.ids(), all, filter, body.group(), body.destination(), body.body(),
                body.headers(), at, body.limit());
    }

    static Duration delay(String text) {
        Matcher m = DELAY.matcher(text);
        if (!m.matches()) {
            throw new BadRequestException("delay is a number with a unit: 500ms, 30s, 10m, 2h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
