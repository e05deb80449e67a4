package dev.caravan.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.jms.MessageProducer;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import dev.caravan.testing.RouteFiles;

/**
 * The broker-side scenarios, all in one process on the embedded broker (in-VM), persistent 1 KiB messages: (a) the
 * raw broker, (b) a plain JMS bridge and (c) the Caravan route (both from {@link QueueBridgeBenchmark}), (d) content-based
 * routing with a transformer, (e) fan-out to three durable subscribers, and (d0), (e0): (d) and (e) written by hand on
 * JMS, the baselines that say what their work costs without the routing layer. Each round method preloads its input, times
 * the work until every message is on its output, cleans up, and returns messages per second.
 */
final class BrokerScenarios implements AutoCloseable {

    static final String CBR_FILE = "bench-cbr.camel.yaml";
    static final String FAN = "bench-fan";
    static final String FAN_BATCHED = "bench-fanb";
    static final String FAN_PLAIN = "bench-fan0";
    static final String BATCHED_FILE = "bench-batched.camel.yaml";
    static final int FAN_SUBSCRIBERS = 3;

    private final ActiveMQServer server;
    private final CamelContext camel;
    private final RouteFiles routes;
    private final ActiveMQConnectionFactory factory;
    private final int consumers;
    private final QueueBridgeBenchmark bridges;
    private final byte[] payload = new byte[1024];
    /** (d0)'s transform: the same Jackson XML writer, and root, as the {@code order-json-to-xml} transformer's. */
    private final ObjectWriter orderXml = new XmlMapper().writer().withRootName("order");
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] smallOrder;
    private final byte[] bigOrder;

    BrokerScenarios(ActiveMQServer server, CamelContext camel, RouteFiles routes, ActiveMQConnectionFactory factory,
            int consumers) {
        this.server = server;
        this.camel = camel;
        this.routes = routes;
        this.factory = factory;
        this.consumers = consumers;
        this.bridges = new QueueBridgeBenchmark(server, camel, routes, factory, consumers, false);
        new java.util.Random(7).nextBytes(payload);
        smallOrder = order(4_200);
        bigOrder = order(61_500);
    }

    /** An order of about 1 KiB in JSON. */
    private static byte[] order(long totalCents) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; lines.length() < 860; i++) {
            lines.append(i == 0 ? "" : ", ").append("{\"sku\": \"SKU-").append(1000 + i)
                    .append("\", \"quantity\": ").append(i % 5 + 1).append(", \"unitCents\": ").append(250 + i)
                    .append('}');
        }
        return ("{\"orderId\": \"o-bench\", \"customer\": \"Ada Lovelace\", \"totalCents\": " + totalCents
                + ", \"lines\": [" + lines + "]}").getBytes(StandardCharsets.UTF_8);
    }

    void deploy() throws Exception {
        bridges.deploy();
        routes.deploy(CBR_FILE, """
                # Benchmark (d): content-based routing on JSONPath, then the JSON -> XML transformer.
                - route:
                    id: bench-cbr
                    autoStartup: false
                    from:
                      uri: "jms:queue:bench.cbr.in"
                      parameters:
                        concurrentConsumers: %d
                      steps:
                        - choice:
                            when:
                              - jsonpath: "$[?(@.totalCents > 50000)]"
                                steps:
                                  - to: "transformer:order-json-to-xml"
                                  - to: "jms:queue:bench.cbr.big"
                            otherwise:
                              steps:
                                - to: "transformer:order-json-to-xml"
                                - to: "jms:queue:bench.cbr.small"
                # (d)'s two parts alone, for the opt-in scenarios d_choice and d_transform: what each costs.
                - route:
                    id: bench-cbr-choice
                    autoStartup: false
                    from:
                      uri: "jms:queue:bench.cbr-choice.in"
                      parameters:
                        concurrentConsumers: %d
                      steps:
                        - choice:
                            when:
                              - jsonpath: "$[?(@.totalCents > 50000)]"
                                steps:
                                  - to: "jms:queue:bench.cbr-choice.big"
                            otherwise:
                              steps:
                                - to: "jms:queue:bench.cbr-choice.small"
                - route:
                    id: bench-cbr-transform
                    autoStartup: false
                    from:
                      uri: "jms:queue:bench.cbr-transform.in"
                      parameters:
                        concurrentConsumers: %d
                      steps:
                        - to: "transformer:order-json-to-xml"
                        - to: "jms:queue:bench.cbr-transform.out"
                """.formatted(consumers, consumers, consumers));
        routes.deploy(BATCHED_FILE, """
                # Benchmark (c_batched): route (c) with batched acknowledgement.
                - route:
                    id: bench-batched
                    autoStartup: false
                    from:
                      uri: "jms:queue:bench.batched.in"
                      parameters:
                        concurrentConsumers: %d
                        transactionBatchCount: 100
                        transactionBatchTimeout: 50
                      steps:
                        - to: "jms:queue:bench.batched.out"
                """.formatted(consumers));
        deployFanOut(FAN, "# Benchmark (e): three durable subscribers of one topic.", "");
        deployFanOut(FAN_BATCHED, "# Benchmark (e_batched): (e) with batched acknowledgement on each subscriber.",
                "        transactionBatchCount: 100\n        transactionBatchTimeout: 50\n");
        createSubscriptions(FAN_PLAIN);
    }

    /** Three durable shared subscriber routes {@code <name>-1..3} of topic {@code <name>}, each to its queue. */
    private void deployFanOut(String name, String comment, String extraParameters) throws Exception {
        StringBuilder fan = new StringBuilder(comment).append('\n');
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            fan.append("""
                    - route:
                        id: %1$s-%2$d
                        autoStartup: false
                        from:
                          uri: "jms:topic:%1$s"
                          parameters:
                            subscriptionDurable: true
                            subscriptionShared: true
                            subscriptionName: %1$s-%2$d
                            concurrentConsumers: %3$d
                    %4$s      steps:
                            - to: "jms:queue:%1$s.out.%2$d"
                    """.formatted(name, i, consumers, extraParameters));
        }
        routes.deploy(name + ".camel.yaml", fan.toString());
        createSubscriptions(name);
    }

    /** The subscriptions' queues exist before the first publish, as they would for long-running subscribers. */
    private void createSubscriptions(String name) throws Exception {
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            server.createQueue(QueueConfiguration.of(name + "-" + i).setAddress(name)
                    .setRoutingType(RoutingType.MULTICAST).setDurable(true), true);
        }
    }

    /** (a) One producer and one consumer of the core client through one queue, no routing. */
    double rawBroker(int messages) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator("vm://0");
                ClientSessionFactory sessions = locator.createSessionFactory();
                ClientSession producerSession = sessions.createSession(factory.getUser(), factory.getPassword(),
                        false, false, false, false, 0);
                ClientSession consumerSession = sessions.createSession(factory.getUser(), factory.getPassword(),
                        false, true, true, false, ActiveMQClient.DEFAULT_ACK_BATCH_SIZE)) {
            String queue = "bench.raw";
            if (!consumerSession.queueQuery(SimpleString.of(queue)).isExists()) {
                consumerSession.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true));
            }
            ClientConsumer consumer = consumerSession.createConsumer(queue);
            consumerSession.start();
            AtomicReference<Exception> failure = new AtomicReference<>();
            long started = System.nanoTime();
            Thread producer = new Thread(() -> {
                try (ClientProducer out = producerSession.createProducer(queue)) {
                    for (int i = 1; i <= messages; i++) {
                        ClientMessage message = producerSession.createMessage(true);
                        message.getBodyBuffer().writeBytes(payload);
                        out.send(message);
                        if (i % 100 == 0) {
                            producerSession.commit();
                        }
                    }
                    producerSession.commit();
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "bench-raw-producer");
            producer.start();
            for (int i = 0; i < messages; i++) {
                ClientMessage message = consumer.receive(TimeUnit.MINUTES.toMillis(2));
                if (message == null) {
                    throw new IllegalStateException("raw broker: only " + i + " of " + messages + " received",
                            failure.get());
                }
                message.acknowledge();
            }
            double rate = messages / ((System.nanoTime() - started) / 1e9);
            producer.join();
            consumer.close();
            return rate;
        }
    }

    /** (b) The hand-written transacted JMS bridge. */
    double plainBridge(int messages) throws Exception {
        return bridges.plainBridgeRound(messages);
    }

    /** (c) The Caravan point-to-point YAML route. */
    double caravanRoute(int messages) throws Exception {
        return bridges.caravanRound(messages);
    }

    /** (c_batched) Route (c) committing every 100 messages or 50 ms. */
    double batchedRoute(int messages) throws Exception {
        Preload.send(factory, false, "bench.batched.in", messages, i -> payload);
        long started = System.nanoTime();
        camel.getRouteController().startRoute("bench-batched");
        awaitTotal(List.of("bench.batched.out"), messages);
        double rate = messages / ((System.nanoTime() - started) / 1e9);
        stop("bench-batched");
        purge("bench.batched.out");
        return rate;
    }

    /** (d) JSONPath content-based routing plus the JSON -> XML transformer; half the orders are big. */
    double routingWithTransform(int messages) throws Exception {
        double rate = ordersThrough("bench-cbr", "bench.cbr", List.of("big", "small"), messages);
        checkRoutedAndPurge("bench.cbr", messages);
        return rate;
    }

    /** (d_choice) (d) without the transformer: the JSONPath choice alone. */
    double routingOnly(int messages) throws Exception {
        double rate = ordersThrough("bench-cbr-choice", "bench.cbr-choice", List.of("big", "small"), messages);
        checkRoutedAndPurge("bench.cbr-choice", messages);
        return rate;
    }

    /** (d_transform) (d) without the choice: every order through the transformer to one queue. */
    double transformOnly(int messages) throws Exception {
        double rate = ordersThrough("bench-cbr-transform", "bench.cbr-transform", List.of("out"), messages);
        purge("bench.cbr-transform.out");
        return rate;
    }

    /** Loads {@code messages} orders on {@code <prefix>.in}, then the rate at which the route delivers them all. */
    private double ordersThrough(String route, String prefix, List<String> outputs, int messages) throws Exception {
        preloadOrders(prefix + ".in", messages);
        long started = System.nanoTime();
        camel.getRouteController().startRoute(route);
        awaitTotal(outputs.stream().map(out -> prefix + "." + out).toList(), messages);
        double rate = messages / ((System.nanoTime() - started) / 1e9);
        stop(route);
        return rate;
    }

    /** Half the orders big (over 500.00), alternating, as (d)'s input. */
    private void preloadOrders(String queue, int messages) throws Exception {
        Preload.send(factory, false, queue, messages, i -> i % 2 == 0 ? bigOrder : smallOrder);
    }

    /** Fails the round unless every big order reached {@code <prefix>.big}; then empties both outputs. */
    private void checkRoutedAndPurge(String prefix, int messages) throws Exception {
        long big = count(prefix + ".big");
        if (big != messages / 2 + messages % 2) {
            throw new IllegalStateException(prefix + ": content-based routing sent " + big + " big orders, expected "
                    + (messages / 2 + messages % 2));
        }
        purge(prefix + ".big");
        purge(prefix + ".small");
    }

    /**
     * (d0) (d)'s work written by hand on JMS: the same threads and commits as (b), the order parsed once with Jackson,
     * routed on {@code totalCents}, written as XML with the transformer's Jackson writer and sent as a text message
     * with its content type. What the same CBR and transform cost without the routing layer, on the same host.
     */
    double plainRoutingWithTransform(int messages) throws Exception {
        preloadOrders("bench.cbr0.in", messages);
        double rate;
        try (PlainBridge bridge = PlainBridge.start(factory, consumers, "plain-cbr",
                session -> session.createConsumer(session.createQueue("bench.cbr0.in")), session -> {
                    MessageProducer big = PlainBridge.persistentProducer(session, "bench.cbr0.big");
                    MessageProducer small = PlainBridge.persistentProducer(session, "bench.cbr0.small");
                    return message -> {
                        JsonNode order = json.readTree(message.getBody(byte[].class));
                        TextMessage xml = session.createTextMessage(orderXml.writeValueAsString(order));
                        xml.setStringProperty("Content_HYPHEN_Type", "application/xml");
                        (order.path("totalCents").asLong() > 50_000 ? big : small).send(xml);
                    };
                })) {
            awaitTotal(List.of("bench.cbr0.big", "bench.cbr0.small"), messages);
            rate = messages / ((System.nanoTime() - bridge.startedNanos()) / 1e9);
        }
        checkRoutedAndPurge("bench.cbr0", messages);
        return rate;
    }

    /**
     * (e0) (e) written by hand on JMS: each of the three shared durable subscriptions drained by (b)'s bridge, as many
     * threads as a Caravan subscriber route has consumers, each forwarding to its queue. Messages per second per
     * subscriber: what fan-out with a commit per message costs this broker and host without the routing layer.
     */
    double plainFanOut(int messages) throws Exception {
        Preload.send(factory, true, FAN_PLAIN, messages, i -> payload);
        List<PlainBridge> bridges = new ArrayList<>();
        double rate;
        try {
            for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
                String subscription = FAN_PLAIN + "-" + i;
                String out = FAN_PLAIN + ".out." + i;
                bridges.add(PlainBridge.start(factory, consumers, "plain-fan-" + i,
                        session -> session.createSharedDurableConsumer(session.createTopic(FAN_PLAIN), subscription),
                        session -> PlainBridge.persistentProducer(session, out)::send));
            }
            rate = awaitFannedOut(FAN_PLAIN, messages, bridges.get(0).startedNanos());
        } finally {
            for (PlainBridge bridge : bridges) {
                bridge.close();
            }
        }
        purgeFannedOut(FAN_PLAIN);
        return rate;
    }

    /** (e) One publish, three durable subscribers each forwarding to its queue: messages per second per subscriber. */
    double fanOut(int messages) throws Exception {
        return fanOut(FAN, messages);
    }

    /** (e_batched) Fan-out (e) with each subscriber committing every 100 messages or 50 ms. */
    double fanOutBatched(int messages) throws Exception {
        return fanOut(FAN_BATCHED, messages);
    }

    private double fanOut(String name, int messages) throws Exception {
        Preload.send(factory, true, name, messages, i -> payload);
        long started = System.nanoTime();
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            camel.getRouteController().startRoute(name + "-" + i);
        }
        double rate = awaitFannedOut(name, messages, started);
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            stop(name + "-" + i);
        }
        purgeFannedOut(name);
        return rate;
    }

    /** Waits until every subscriber's queue {@code <name>.out.1..3} has them all: messages per second per subscriber. */
    private double awaitFannedOut(String name, int messages, long startedNanos) throws InterruptedException {
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            awaitTotal(List.of(name + ".out." + i), messages);
        }
        return messages / ((System.nanoTime() - startedNanos) / 1e9);
    }

    private void purgeFannedOut(String name) throws Exception {
        for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
            purge(name + ".out." + i);
        }
    }

    private void awaitTotal(List<String> queues, long messages) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (queues.stream().mapToLong(this::count).sum() < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(queues + " did not receive " + messages + " messages in 5 minutes");
            }
            Thread.sleep(2); // polling interval of a measurement loop, not synchronisation between threads
        }
    }

    private long count(String queue) {
        var q = server.locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    private void purge(String queue) throws Exception {
        var q = server.locateQueue(SimpleString.of(queue));
        if (q != null) {
            q.deleteAllReferences();
        }
    }

    private void stop(String route) throws Exception {
        camel.getRouteController().stopRoute(route, 30, TimeUnit.SECONDS);
        if (camel.getRouteController().getRouteStatus(route) != ServiceStatus.Stopped) {
            throw new IllegalStateException("benchmark route " + route + " did not stop");
        }
    }

    @Override
    public void close() throws Exception {
        bridges.undeploy();
        routes.undeploy(CBR_FILE);
        routes.undeploy(BATCHED_FILE);
        routes.undeploy(FAN + ".camel.yaml");
        routes.undeploy(FAN_BATCHED + ".camel.yaml");
        for (String name : List.of(FAN, FAN_BATCHED, FAN_PLAIN)) {
            for (int i = 1; i <= FAN_SUBSCRIBERS; i++) {
                server.destroyQueue(SimpleString.of(name + "-" + i), null, false, true);
            }
        }
    }

}
