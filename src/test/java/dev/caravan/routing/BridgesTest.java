package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Message;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * The shipped bridges to RabbitMQ (AMQP 0.9.1) and to an external MQTT broker (Mosquitto), against the real servers on
 * loopback, both ways.
 */
@QuarkusTest
class BridgesTest extends CaravanTestSupport {

    private static final String MQTT = "tcp://127.0.0.1:1883";

    @Test
    void rabbitMqMessageArrivesOnACaravanQueueWithItsHeaders() throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection rabbit = rabbit(); Channel channel = rabbit.createChannel()) {
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("text/plain")
                    .headers(Map.of("OrderRef", id)).deliveryMode(2).build();
            channel.basicPublish("legacy", "orders", properties,
                    ("legacy order " + id).getBytes(StandardCharsets.UTF_8));
        }
        try (Jms client = connect("app")) {
            Message message = client.receiveWith("legacy.orders", "OrderRef", id, 10_000);
            assertThat(Jms.text(message)).isEqualTo("legacy order " + id);
        }
    }

    @Test
    void caravanMessageIsPublishedToRabbitMqWithItsProperties() throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection rabbit = rabbit(); Channel channel = rabbit.createChannel()) {
            // The legacy system's own queue, bound where the route publishes.
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.exchangeDeclare("legacy", "direct", true);
            channel.queueBind(queue, "legacy", "shipments");
            try (Jms client = connect("app")) {
                client.sendText("legacy.shipments", "shipment " + id, "ShipmentRef", id);
            }
            GetResponse response = await().atMost(Duration.ofSeconds(10))
                    .until(() -> channel.basicGet(queue, true), r -> r != null);
            assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).isEqualTo("shipment " + id);
            assertThat(response.getProps().getHeaders().get("ShipmentRef")).hasToString(id);
        }
    }

    @Test
    void mqttTelemetryArrivesOnACaravanQueueWithItsTopic() throws Exception {
        String device = "d-" + UUID.randomUUID().toString().substring(0, 8);
        MqttClient publisher = new MqttClient(MQTT, "test-pub-" + device, new MemoryPersistence());
        publisher.connect();
        try {
            publisher.publish("devices/" + device + "/telemetry",
                    ("{\"temp\": 21, \"device\": \"" + device + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
        } finally {
            publisher.disconnect();
            publisher.close();
        }
        try (Jms client = connect("app")) {
            Message message = client.receiveWith("devices.telemetry", "MqttTopic", "devices/" + device + "/telemetry",
                    10_000);
            assertThat(message.getBody(byte[].class)).asString(StandardCharsets.UTF_8).contains(device);
        }
    }

    @Test
    void caravanCommandReachesTheDeviceTopicAndAnInvalidDeviceIdIsDeadLettered() throws Exception {
        String device = "d-" + UUID.randomUUID().toString().substring(0, 8);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        MqttClient subscriber = new MqttClient(MQTT, "test-sub-" + device, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        subscriber.connect(options);
        try {
            subscriber.subscribe("devices/#", 1, (topic, message) -> {
                if (topic.contains(device) || topic.contains("#") || topic.contains("+")) {
                    received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                }
            });
            try (Jms client = connect("operator")) {
                client.sendText("devices.commands", "reboot", "DeviceId", device);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("devices/" + device + "/commands reboot");

                client.sendText("devices.commands", "format", "DeviceId", "x/#");
                Message dead = nextDeadLetter(client, "devices.commands", Duration.ofSeconds(20));
                assertThat(Jms.text(dead)).isEqualTo("format");
                assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
            }
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static Connection rabbit() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri("amqp://guest:guest@127.0.0.1:5672");
        return factory.newConnection("caravan-test");
    }

}
