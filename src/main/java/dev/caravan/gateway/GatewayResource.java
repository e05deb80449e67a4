package dev.caravan.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.support.cache.DefaultProducerCache;
import org.apache.camel.support.service.ServiceHelper;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.slf4j.MDC;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import dev.caravan.broker.BrokerAvailability;
import dev.caravan.broker.TransientReplyQueues;
import dev.caravan.history.MessageHistory;
import dev.caravan.ops.CorrelationIdMdc;
import dev.caravan.ops.TraceContext;
import dev.caravan.security.UserRegistry;

/**
 * The HTTP gateway of DESIGN.md's public contract: enqueue, publish, and request-reply over the broker.
 * <p>
 * Every send goes through one Camel endpoint per kind, the destination named per message
 * ({@code CamelJmsDestinationName}), so caller-chosen names do not grow Camel's endpoint registry, and request-reply
 * uses a single exclusive reply queue per Caravan instance with Camel's reply manager: no temporary queue per request,
 * no selector, and replies that arrive after their request timed out are consumed and dropped by the reply manager.
 * A 202 is sent only after the broker has the message durably (persistent send, committed).
 */
@Path("/api")
@RolesAllowed(UserRegistry.ROLE_APP)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "gateway", description = "Publish to queues and topics, and request-reply, over HTTP")
public class GatewayResource {

    private static final Logger LOG = Logger.getLogger(GatewayResource.class);
    private static final String QUEUE_ENDPOINT = "jms:queue:caravan.gateway?includeSentJMSMessageID=true";
    private static final String TOPIC_ENDPOINT = "jms:topic:caravan.gateway?includeSentJMSMessageID=true";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    ProducerTemplate producer;

    @Inject
    GatewayConfig config;

    @Inject
    SendPermissions permissions;

    @Inject
    SecurityIdentity identity;

    @Inject
    TraceContext trace;

    @Inject
    BrokerAvailability broker;

    /*
     * The gateway's three endpoints, resolved once: a send by URI normalises the URI on every call (≈ 10 % of a
     * gateway worker's CPU in the request-reply profile, benchmark (g)).
     */
    private Endpoint queueEndpoint;
    private Endpoint topicEndpoint;
    private Endpoint requestEndpoint;
    /*
     * Request-reply sends through a producer cache of its own: the template's asynchronous methods hand the send to
     * the template's thread pool, which would only move the waiting thread there. The cache sends on the caller's
     * thread and completes when Camel's reply manager does, with the same sending/sent events as the template.
     */
    private DefaultProducerCache requests;

    @PostConstruct
    void init() {
        String replyQueue = config.replyQueue().orElse(TransientReplyQueues.PREFIX + UUID.randomUUID());
        CamelContext camel = producer.getCamelContext();
        queueEndpoint = camel.getEndpoint(QUEUE_ENDPOINT);
        topicEndpoint = camel.getEndpoint(TOPIC_ENDPOINT);
        requestEndpoint = camel.getEndpoint("jms:queue:caravan.gateway?exchangePattern=InOut&replyToType=Exclusive"
                + "&replyTo=" + replyQueue + "&requestTimeout=" + config.maxTimeout().toMillis());
        requests = new DefaultProducerCache(this, camel, 1);
        ServiceHelper.startService(requests);
        LOG.infof("HTTP request-reply receives replies on queue %s", replyQueue);
    }

    @PreDestroy
    void stop() {
        ServiceHelper.stopService(requests);
    }

    @POST
    @Path("/queues/{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Enqueue the body on a queue (point-to-point)")
    @APIResponse(responseCode = "202", description = "on the queue, durably: {\"id\": \"<message id>\"}")
    @APIResponse(responseCode = "400", description = "invalid name, header or body")
    @APIResponse(responseCode = "413", description = "body larger than caravan.http.max-body-size")
    public Uni<Response> enqueue(@PathParam("name") @Encoded String name, @Context HttpServerRequest http,
            @Context HttpHeaders headers,
            byte[] body) {
        Outgoing out = outgoing(GatewayRequests.destination("queue", name, http.path()), headers, body);
        return offload(out, () -> send(queueEndpoint, "jms://queue:", out));
    }

    @POST
    @Path("/topics/{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Publish the body to a topic: every subscriber gets it")
    @APIResponse(responseCode = "202", description = "published, durably: {\"id\": \"<message id>\"}")
    @APIResponse(responseCode = "400", description = "invalid name, header or body")
    public Uni<Response> publish(@PathParam("name") @Encoded String name, @Context HttpServerRequest http,
            @Context HttpHeaders headers,
            byte[] body) {
        Outgoing out = outgoing(GatewayRequests.destination("topic", name, http.path()), headers, body);
        return offload(out, () -> send(topicEndpoint, "jms://topic:", out));
    }

    /**
     * A name with a {@code /} in it: no queue or topic name has one, and without this method such a path matched no
     * resource and fell through to the servlet container's HTML 405 page (found by the hostile-input fuzz).
     */
    @POST
    @Path("/{kind:queues|topics|requests}/{name}/{rest:.*}")
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response nameWithSlash(@PathParam("kind") String kind) {
        throw new GatewayException(400, "invalid " + (kind.equals("topics") ? "topic" : "queue")
                + " name: use 1-200 characters of A-Z a-z 0-9 . _ -");
    }

    /**
     * Runs the broker call on a worker thread. The endpoints return {@link Uni} so that Quarkus reads the request body
     * on the event loop before calling them: with a plain blocking method the worker thread itself reads the body,
     * waiting for the event loop to hand it each chunk, which measured as the largest share of the gateway's latency
     * under load (tens of milliseconds per request at a few hundred requests per second). What the call logs carries
     * the message's correlation id ({@link CorrelationIdMdc#KEY}). The broker check may log in to an external broker,
     * so it runs here too, never on the event loop.
     */
    private Uni<Response> offload(Outgoing out, java.util.function.Supplier<Response> call) {
        return offloadAsync(out, () -> CompletableFuture.completedFuture(call.get()));
    }

    /** As {@link #offload}, for a call whose answer comes later: the worker thread is free once it has sent. */
    private <T> Uni<T> offloadAsync(Outgoing out, java.util.function.Supplier<CompletionStage<T>> call) {
        return Uni.createFrom().completionStage(() -> {
            try (MDC.MDCCloseable ignored = MDC.putCloseable(CorrelationIdMdc.KEY, out.correlationId())) {
                // An external broker that is away would make the send wait until it is back: answer at once.
                if (!broker.isUp(BROKER_CHECK_TIMEOUT)) {
                    throw new GatewayException(503, "the broker is not reachable; nothing was enqueued, retry later");
                }
                // A saturated broker makes producers wait; an HTTP caller is told to come back instead.
                String saturated = broker.saturation(out.destination());
                if (saturated != null) {
                    throw new GatewayException(503, "the bus is saturated (" + saturated
                            + "); nothing was enqueued, retry later");
                }
                return call.get();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @Path("/requests/{queue}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "Send a request to a queue and answer with its reply")
    @APIResponse(responseCode = "200", description = "the reply body; X-Correlation-Id and X-Msg-* headers")
    @APIResponse(responseCode = "504", description = "no reply within the timeout")
    public Uni<Response> request(@PathParam("queue") @Encoded String queue,
            @Parameter(description = "how long to wait: 1500ms, 5s (default 30s)") @QueryParam("timeout") String timeout,
            @Context HttpServerRequest http, @Context HttpHeaders headers, byte[] body) {
        String destination = GatewayRequests.destination("queue", queue, http.path());
        Duration wait = GatewayRequests.timeout(timeout, config.defaultTimeout(), config.maxTimeout());
        Outgoing out = outgoing(destination, headers, body);
        // The request's event loop, where the answer is written: the reply is handed straight back to it.
        io.vertx.core.Context caller = Vertx.currentContext();
        Uni<Exchange> replied = offloadAsync(out, () -> request(out, wait));
        if (caller != null) {
            replied = replied.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        }
        return replied.map(exchange -> {
            try (MDC.MDCCloseable ignored = MDC.putCloseable(CorrelationIdMdc.KEY, out.correlationId())) {
                return reply(out, wait, exchange);
            }
        });
    }

    /**
     * Sends the request on this (worker) thread and completes when the reply comes, without holding the thread while
     * it waits: Camel's JMS producer is asynchronous for request-reply, its reply manager completing the exchange when
     * the reply (or the timeout) comes, and the caller's event loop then writes the answer. Before, each waiting
     * request held a worker thread for up to its timeout (30 s by default), so a slow responder could take the whole
     * pool and queue every other call behind it, and each reply was handed to a worker and then to the event loop.
     */
    private CompletionStage<Exchange> request(Outgoing out, Duration wait) {
        String destination = out.destination();
        Processor message = e -> {
            out.applyTo(e.getIn());
            e.getIn().setHeader(JmsConstants.JMS_REQUEST_TIMEOUT, wait.toMillis());
            e.setProperty(MessageHistory.SENT_TO, "jms://queue:" + destination);
        };
        return sendRequest(message).thenCompose(exchange -> sendAgain(exchange)
                // A closed session fails in the send itself, so this runs on the worker thread that sent.
                ? sendRequest(message)
                : CompletableFuture.completedFuture(exchange));
    }

    private CompletableFuture<Exchange> sendRequest(Processor message) {
        return requests.asyncSendExchange(requestEndpoint, ExchangePattern.InOut, message, null, null,
                new CompletableFuture<>());
    }

    private Response reply(Outgoing out, Duration wait, Exchange exchange) {
        String destination = out.destination();
        if (exchange.getException() instanceof ExchangeTimedOutException) {
            throw new GatewayException(504, "no reply from queue " + destination + " within " + wait.toMillis() + " ms"
                    + " (correlation id " + out.correlationId + ")");
        }
        failIfRefused(exchange, destination);
        Message reply = exchange.getMessage();
        Response.ResponseBuilder response = Response.ok(reply.getBody())
                .header(GatewayRequests.CORRELATION_HEADER, out.correlationId)
                .type(replyType(reply));
        for (Map.Entry<String, Object> header : reply.getHeaders().entrySet()) {
            if (header.getValue() != null && GatewayRequests.PROPERTY.matcher(header.getKey()).matches()
                    && !header.getKey().startsWith("JMS") && !header.getKey().startsWith("Camel")
                    && !TraceContext.isTraceProperty(header.getKey())) {
                response.header("X-Msg-" + header.getKey(), header.getValue());
            }
        }
        return response.build();
    }

    private Response send(Endpoint endpoint, String kind, Outgoing out) {
        String destination = out.destination();
        Exchange exchange = sendOnce(endpoint, e -> {
            out.applyTo(e.getIn());
            e.setProperty(MessageHistory.SENT_TO, kind + destination);
        });
        if (out.idempotencyKey() != null && isDuplicate(exchange.getException())) {
            // The broker already has a message with this Idempotency-Key (a client retry): accepted before.
            return Response.ok(Map.of("duplicate", true)).header(GatewayRequests.CORRELATION_HEADER, out.correlationId)
                    .build();
        }
        failIfRefused(exchange, destination);
        String id = exchange.getMessage().getHeader(JmsConstants.JMS_HEADER_MESSAGE_ID, String.class);
        return Response.accepted(Map.of("id", id)).header(GatewayRequests.CORRELATION_HEADER, out.correlationId)
                .build();
    }

    private Outgoing outgoing(String destination, HttpHeaders headers, byte[] body) {
        if (!permissions.maySend(destination, identity.getRoles())) {
            throw new GatewayException(403, "user " + identity.getPrincipal().getName() + " may not send to "
                    + destination);
        }
        MediaType type = mediaType(headers);
        Map<String, Object> properties = GatewayRequests.properties(headers.getRequestHeaders());
        // Here, on the request's thread, where the HTTP span is current; the send runs on a worker thread.
        trace.inject(properties);
        return new Outgoing(destination,
                GatewayRequests.correlationId(headers.getHeaderString(GatewayRequests.CORRELATION_HEADER)),
                properties,
                GatewayRequests.body(body == null ? new byte[0] : body, type),
                type == null ? null : type.toString(),
                GatewayRequests.idempotencyKey(headers.getHeaderString(GatewayRequests.IDEMPOTENCY_HEADER)));
    }

    /**
     * Sends, and sends again once if the pooled session turned out to be closed: after an external broker restarts,
     * the pool still holds sessions of the old connection, and the first use of each fails before anything is sent
     * (JMS IllegalStateException: session or producer closed), so a second try cannot duplicate the message.
     */
    private Exchange sendOnce(Endpoint endpoint, Processor message) {
        Exchange exchange = producer.send(endpoint, message);
        return sendAgain(exchange) ? producer.send(endpoint, message) : exchange;
    }

    /** Whether {@code exchange} failed on a closed pooled session before anything was sent (logged when so). */
    private static boolean sendAgain(Exchange exchange) {
        if (!closedBeforeSending(exchange.getException())) {
            return false;
        }
        LOG.debugf("Stale broker session, sending again: %s", exchange.getException().getMessage());
        return true;
    }

    private static boolean closedBeforeSending(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof jakarta.jms.IllegalStateException
                    || t instanceof org.springframework.jms.IllegalStateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request's content type. RESTEasy parses it lazily and throws {@link IllegalArgumentException} on a value it
     * cannot read (found by the hostile-input fuzz: {@code Content-Type: " "} and similar reached here and answered 500
     * with a stack trace).
     */
    private static MediaType mediaType(HttpHeaders headers) {
        try {
            return headers.getMediaType();
        } catch (IllegalArgumentException e) {
            throw new GatewayException(415, "Content-Type is not a media type: "
                    + headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        }
    }

    private static void failIfRefused(Exchange exchange, String destination) {
        Exception failure = exchange.getException();
        if (failure != null && wrongKind(failure)) {
            // Not a broker outage: the address exists as the other kind (a topic posted to as a queue, or the reverse),
            // and a retry can never succeed. The fuzz found this answered 503 "retry later".
            throw new GatewayException(409, destination + " exists as the other kind of address (topic vs queue)");
        }
        if (failure != null) {
            // Nothing was accepted: the caller may retry. The cause goes to the log, not to the caller.
            LOG.errorf(failure, "Could not hand a message for %s to the broker", destination);
            throw new GatewayException(503, "the broker did not accept the message for " + destination
                    + "; nothing was enqueued, retry later");
        }
    }

    /** Artemis refuses a send to an address that does not support the routing type (ANYCAST queue, MULTICAST topic). */
    private static boolean wrongKind(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("InvalidDestinationException") && t.getMessage() != null
                    && t.getMessage().contains("does not support")) {
                return true;
            }
        }
        return false;
    }

    /** Artemis refuses a message whose duplicate id it has already routed to the address. */
    private static boolean isDuplicate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Duplicate message detected")) {
                return true;
            }
        }
        return false;
    }

    private static String replyType(Message reply) {
        String type = reply.getHeader(CONTENT_TYPE, String.class);
        if (type != null) {
            return type;
        }
        return reply.getBody() instanceof String
                ? MediaType.TEXT_PLAIN + ";charset=UTF-8"
                : MediaType.APPLICATION_OCTET_STREAM;
    }

    /** What the gateway sends: body, destination and the headers mapped from HTTP. */
    private record Outgoing(String destination, String correlationId, Map<String, Object> properties, Object body,
            String contentType, String idempotencyKey) {

        void applyTo(Message message) {
            message.setBody(body);
            message.getHeaders().putAll(properties);
            message.setHeader(JmsConstants.JMS_DESTINATION_NAME, destination);
            message.setHeader(JmsConstants.JMS_HEADER_CORRELATION_ID, correlationId);
            if (contentType != null) {
                message.setHeader(CONTENT_TYPE, contentType);
            }
            if (idempotencyKey != null) {
                // The broker's duplicate detection: a second message with this id on the address is dropped.
                message.setHeader("_AMQ_DUPL_ID", idempotencyKey);
            }
        }
    }
}
