package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.stomp.Frame;
import io.vertx.ext.stomp.StompClient;
import io.vertx.ext.stomp.StompClientConnection;
import io.vertx.ext.stomp.StompClientOptions;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.Mqtt;

/**
 * Each protocol's own client sends through a route loaded from the routes directory and receives what the route made
 * of it, over the embedded broker's single acceptor.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolClientsTest extends CaravanTestSupport {

    private static final String FILE = "protocol-echo.camel.yaml";

    @BeforeAll
    void deployEchoRoutes() {
        StringBuilder yaml = new StringBuilder();
        for (String protocol : new String[]{"core", "amqp", "stomp", "openwire"}) {
            yaml.append(echoRoute(protocol, "jms:queue:proto." + protocol + ".in", "jms:queue:proto." + protocol
                    + ".out"));
        }
        // MQTT is publish-subscribe: MQTT topic devices/echo is the multicast address devices.echo.
        yaml.append(echoRoute("mqtt", "jms:topic:devices.echo", "jms:topic:devices.echo.reply"));
        files().deploy(FILE, yaml.toString());
    }

    @AfterAll
    void removeEchoRoutes() {
        files().undeploy(FILE);
    }

    private static String echoRoute(String protocol, String from, String to) {
        return """
                - route:
                    id: protocol-echo-%s
                    from:
                      uri: "%s"
                      steps:
                        - setBody:
                            simple: "echo:${bodyAs(String)}"
                        - setHeader:
                            name: routedBy
                            simple: "${routeId}"
                        - to:
                            uri: "%s"
                """.formatted(protocol, from, to);
    }

    @Test
    void coreJmsClient() throws Exception {
        try (Jms client = Jms.connect(port, "app", "app")) {
            String trace = UUID.randomUUID().toString();
            client.sendText("proto.core.in", "hello core", "trace", trace);
            Message reply = client.receive("proto.core.out", 10_000);
            assertThat(reply).as("reply over CORE").isNotNull();
            assertThat(Jms.text(reply)).isEqualTo("echo:hello core");
            assertThat(reply.getStringProperty("trace")).isEqualTo(trace);
            assertThat(reply.getStringProperty("routedBy")).isEqualTo("protocol-echo-core");
        }
    }

    @Test
    void amqpClient() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("app", "app", "amqp://127.0.0.1:" + port);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("proto.amqp.out"));
            MessageProducer producer = session.createProducer(session.createQueue("proto.amqp.in"));
            var message = session.createTextMessage("hello amqp");
            message.setStringProperty("trace", "amqp-1");
            producer.send(message);
            Message reply = consumer.receive(10_000);
            assertThat(reply).as("reply over AMQP 1.0").isNotNull();
            assertThat(reply.getBody(String.class)).isEqualTo("echo:hello amqp");
            assertThat(reply.getStringProperty("trace")).isEqualTo("amqp-1");
            assertThat(reply.getStringProperty("routedBy")).isEqualTo("protocol-echo-amqp");
        }
    }

    @Test
    void openWireClient() throws Exception {
        var factory = new org.apache.activemq.ActiveMQConnectionFactory("app", "app", "tcp://127.0.0.1:" + port);
        javax.jms.Connection connection = factory.createConnection();
        try {
            connection.start();
            javax.jms.Session session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
            javax.jms.MessageConsumer consumer = session.createConsumer(session.createQueue("proto.openwire.out"));
            javax.jms.TextMessage message = session.createTextMessage("hello openwire");
            message.setStringProperty("trace", "ow-1");
            session.createProducer(session.createQueue("proto.openwire.in")).send(message);
            javax.jms.Message reply = consumer.receive(10_000);
            assertThat(reply).as("reply over OpenWire").isNotNull();
            assertThat(((javax.jms.TextMessage) reply).getText()).isEqualTo("echo:hello openwire");
            assertThat(reply.getStringProperty("trace")).isEqualTo("ow-1");
            assertThat(reply.getStringProperty("routedBy")).isEqualTo("protocol-echo-openwire");
        } finally {
            connection.close();
        }
    }

    @Test
    void stompClient() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            StompClientOptions options = new StompClientOptions().setHost("127.0.0.1").setPort(port)
                    .setLogin("app").setPasscode("app").setHeartbeat(new io.vertx.core.json.JsonObject()
                            .put("x", 0).put("y", 0));
            StompClientConnection connection = StompClient.create(vertx, options).connect()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            BlockingQueue<Frame> replies = new ArrayBlockingQueue<>(1);
            connection.subscribe("proto.stomp.out", new HashMap<>(Map.of("subscription-type", "ANYCAST")),
                    replies::add).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            connection.send("proto.stomp.in", new HashMap<>(Map.of("destination-type", "ANYCAST", "trace", "stomp-1",
                    "content-type", "text/plain")), Buffer.buffer("hello stomp"))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Frame reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(reply).as("reply over STOMP").isNotNull();
            assertThat(reply.getBodyAsString()).isEqualTo("echo:hello stomp");
            assertThat(reply.getHeader("trace")).isEqualTo("stomp-1");
            assertThat(reply.getHeader("routedBy")).isEqualTo("protocol-echo-stomp");
            connection.disconnect();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void mqttClient() throws Exception {
        MqttClient client = Mqtt.client(port);
        client.connect(Mqtt.login("app", "app"));
        try {
            BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
            client.subscribe("devices/echo/reply", 1,
                    (topic, message) -> replies.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            client.publish("devices/echo", "hello mqtt".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(replies.poll(10, TimeUnit.SECONDS)).as("reply over MQTT").isEqualTo("echo:hello mqtt");
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void mqtt5Client() throws Exception {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + port, "caravan-test-mqtt5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setUserName("app");
        options.setPassword("app".getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        try {
            BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[]{
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("devices/echo/reply", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[]{(topic, message) -> replies
                            .add(new String(message.getPayload(), StandardCharsets.UTF_8))});
            client.publish("devices/echo", "hello mqtt5".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(replies.poll(10, TimeUnit.SECONDS)).as("reply over MQTT 5").isEqualTo("echo:hello mqtt5");
        } finally {
            client.disconnect();
            client.close();
        }
    }
}
