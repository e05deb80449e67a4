package dev.caravan.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.KafkaTestCluster;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.Ports;

/**
 * Issue 7, crash safety: Caravan as a separate process, killed with SIGKILL at random moments while five flows run at
 * once — queue→queue, queue→SQL (PostgreSQL), queue→Kafka, HTTP gateway (202) → queue, and dead letters being replayed
 * — then restarted on the same data, {@value #KILLS} times. Each kill is a kill point for every flow. At the end every
 * message that was accepted (a JMS send that returned, an HTTP 202) is counted at its destination: lost must be 0;
 * duplicates are reported (at-least-once) and are 0 where Caravan removes them (the gateway's Idempotency-Key, the
 * idempotent SQL statement). The table it prints goes into the README.
 */
class CrashIT {

    private static final int KILLS = 20;
    private static final Duration START = Duration.ofSeconds(120);

    private static final String[] FLOWS = {"queue->queue", "queue->SQL", "queue->Kafka", "HTTP 202->queue",
            "DLQ replay"};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8).replace("-", "");
    private final String table = "crash_rows_" + run;
    private final String attempts = "crash_attempts_" + run;
    private final String topic = "crash-" + run;
    private final Map<String, Set<String>> accepted = new HashMap<>();

    @BeforeAll
    static void kafka() throws Exception {
        KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        KafkaTestCluster.stop();
    }

    @Test
    void nothingAcceptedIsLostWhenCaravanIsKilledAtRandom() throws Exception {
        for (String flow : FLOWS) {
            accepted.put(flow, ConcurrentHashMap.newKeySet());
        }
        try (Connection db = database(); Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TABLE " + table + " (id VARCHAR(64) PRIMARY KEY)");
            ddl.execute("CREATE TABLE " + attempts + " (id VARCHAR(64) NOT NULL)");
        }
        KafkaTestCluster.createTopic(topic, 1);
        Path dir = CaravanProcess.runDir("crash-");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("crash-flows.camel.yaml"), routes());
        int httpPort = Ports.free();
        int brokerPort = Ports.free();
        Map<String, String> properties = Map.of(
                "caravan.database.url", "jdbc:postgresql://127.0.0.1:5432/test",
                "caravan.database.username", "postgres",
                "caravan.kafka.brokers", KafkaTestCluster.bootstrapServers(),
                "caravan.broker.redelivery.delay", "10",
                "caravan.broker.redelivery.multiplier", "1",
                "caravan.broker.redelivery.max-attempts", "2",
                "caravan.dlq.max-replays", "1000");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("crash harness: seed " + seed);

        for (int kill = 0; kill < KILLS; kill++) {
            try (CaravanProcess caravan = CaravanProcess.start(dir, routes, dir.resolve("data"), httpPort, brokerPort,
                    properties)) {
                caravan.awaitReady(START);
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> load = List.of(
                        feeder(brokerPort, kill, "crash.q.in", "queue->queue", running),
                        feeder(brokerPort, kill, "crash.sql.in", "queue->SQL", running),
                        feeder(brokerPort, kill, "crash.kafka.in", "queue->Kafka", running),
                        feeder(brokerPort, kill, "crash.dlq.in", "DLQ replay", running),
                        gateway(httpPort, kill, running),
                        replayer(httpPort, running));
                load.forEach(Thread::start);
                // A random moment: during sends, routing, database and Kafka writes, commits, replay batches.
                Thread.sleep(300 + random.nextInt(2_200));
                caravan.kill();
                running.set(false);
                for (Thread thread : load) {
                    thread.join(30_000);
                }
            }
        }

        // The last start: let everything still in flight finish, then count at every destination.
        try (CaravanProcess caravan = CaravanProcess.start(dir, routes, dir.resolve("data"), httpPort, brokerPort,
                properties)) {
            caravan.awaitReady(START);
            Map<String, Map<String, Integer>> arrived = new HashMap<>();
            try (Jms operator = Jms.connect(brokerPort, "operator", "operator")) {
                arrived.put("queue->queue", drain(operator, "crash.q.out", accepted.get("queue->queue"), () -> {
                }));
                arrived.put("HTTP 202->queue", drain(operator, "crash.http", accepted.get("HTTP 202->queue"), () -> {
                }));
                // Dead letters still being redelivered, dead-lettered or waiting: replay until none is left.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    replay(httpPort);
                    return depth(httpPort) == 0 && isEmpty(operator, "crash.dlq.in");
                });
                // Messages whose redelivery was still scheduled reach the DLQ later: keep replaying while draining.
                arrived.put("DLQ replay", drain(operator, "crash.replayed", accepted.get("DLQ replay"), () -> {
                    try {
                        replay(httpPort);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> rows(table) >= accepted.get("queue->SQL").size());
            arrived.put("queue->SQL", sqlRows());
            arrived.put("queue->Kafka", kafkaKeys(accepted.get("queue->Kafka")));
            caravan.stop(Duration.ofSeconds(60));

            StringBuilder report = new StringBuilder("\ncrash harness: " + KILLS + " SIGKILLs, seed " + seed
                    + "\n| flow | kill points | accepted | lost | duplicates |\n| --- | --- | --- | --- | --- |\n");
            Map<String, Long> lost = new HashMap<>();
            for (String flow : FLOWS) {
                Map<String, Integer> got = arrived.get(flow);
                long missing = accepted.get(flow).stream().filter(id -> got.getOrDefault(id, 0) == 0).count();
                long duplicates = got.values().stream().mapToLong(n -> Math.max(0, n - 1)).sum();
                lost.put(flow, missing);
                report.append("| ").append(flow).append(" | ").append(KILLS).append(" | ")
                        .append(accepted.get(flow).size()).append(" | ").append(missing).append(" | ")
                        .append(duplicates).append(flow.equals("queue->SQL")
                                ? " (" + (attempts() - rows(table)) + " redelivered writes, removed by the statement)"
                                : "")
                        .append(" |\n");
            }
            System.out.println(report);
            Files.writeString(Path.of("target", "crash-report.md"), report.toString());
            for (String flow : FLOWS) {
                assertThat(accepted.get(flow)).as("%s: messages accepted across the kills", flow).isNotEmpty();
                assertThat(lost.get(flow)).as("%s: accepted but lost%s", flow, report).isZero();
            }
        }
    }

    private String routes() {
        return """
                - route:
                    id: crash-queue
                    from:
                      uri: "jms:queue:crash.q.in"
                      steps:
                        - to: "jms:queue:crash.q.out"
                - route:
                    id: crash-sql
                    from:
                      uri: "jms:queue:crash.sql.in"
                      steps:
                        - to: "sql:INSERT INTO %s (id) VALUES (:#${body})"
                        - to: "sql:INSERT INTO %s (id) VALUES (:#${body}) ON CONFLICT (id) DO NOTHING"
                - route:
                    id: crash-kafka
                    from:
                      uri: "jms:queue:crash.kafka.in"
                      steps:
                        - setHeader:
                            name: kafka.KEY
                            simple: "${body}"
                        - to: "kafka:%s"
                - route:
                    id: crash-always-fails
                    from:
                      uri: "jms:queue:crash.dlq.in"
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: "crash harness: this route always fails"
                """.formatted(attempts, table, topic);
    }

    /** Sends numbered messages until told to stop or the process dies; a send that returned is accepted. */
    private Thread feeder(int brokerPort, int cycle, String queue, String flow, AtomicBoolean running) {
        return new Thread(() -> {
            try (Jms client = Jms.connect(brokerPort, "app", "app")) {
                for (int i = 0; running.get(); i++) {
                    String id = "k" + cycle + "-" + i;
                    client.sendText(queue, id);
                    accepted.get(flow).add(id);
                }
            } catch (Exception expected) {
                // the process was killed
            }
        }, "feeder-" + queue);
    }

    /** POSTs numbered messages with an Idempotency-Key; a 202 (or 200 duplicate) is accepted. */
    private Thread gateway(int httpPort, int cycle, AtomicBoolean running) {
        return new Thread(() -> {
            for (int i = 0; running.get(); i++) {
                String id = "h" + cycle + "-" + i;
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort + "/api/queues/crash.http"))
                            .timeout(Duration.ofSeconds(10)).header("Authorization", basic("app"))
                            .header("Content-Type", "text/plain").header("Idempotency-Key", id)
                            .POST(HttpRequest.BodyPublishers.ofString(id)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 202 || response.statusCode() == 200) {
                        accepted.get("HTTP 202->queue").add(id);
                    }
                } catch (Exception expected) {
                    return; // the process was killed: this request's fate is unknown, so it is not counted
                }
            }
        }, "gateway-load");
    }

    /** Replays the DLQ to crash.replayed again and again while the other flows run. */
    private Thread replayer(int httpPort, AtomicBoolean running) {
        return new Thread(() -> {
            while (running.get()) {
                try {
                    replay(httpPort);
                    Thread.sleep(100);
                } catch (Exception expected) {
                    return;
                }
            }
        }, "replayer");
    }

    private void replay(int httpPort) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/dlq/DLQ.crash.dlq.in/replay")).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("operator")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"all\": true, \"destination\": \"crash.replayed\"}"))
                .build(), HttpResponse.BodyHandlers.discarding());
    }

    private long depth(int httpPort) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/dlq")).header("Authorization", basic("operator")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode dlq : new ObjectMapper().readTree(response.body())) {
            if ("DLQ.crash.dlq.in".equals(dlq.path("name").asText())) {
                return dlq.path("count").asLong();
            }
        }
        return 0;
    }

    private static boolean isEmpty(Jms client, String queue) throws Exception {
        try (QueueBrowser browser = client.session().createBrowser(client.session().createQueue(queue))) {
            return !browser.getEnumeration().hasMoreElements();
        }
    }

    /** Every message on the queue, counted by id, until nothing more arrives and all expected ids are seen. */
    private static Map<String, Integer> drain(Jms client, String queue, Set<String> expected, Runnable whenIdle)
            throws Exception {
        Map<String, Integer> got = new HashMap<>();
        try (MessageConsumer consumer = client.session().createConsumer(client.session().createQueue(queue))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                Message message = consumer.receive(got.keySet().containsAll(expected) ? 1_000 : 5_000);
                if (message == null) {
                    if (got.keySet().containsAll(expected)) {
                        break;
                    }
                    whenIdle.run();
                    continue;
                }
                got.merge(Jms.text(message), 1, Integer::sum);
            }
        }
        return got;
    }

    private Map<String, Integer> sqlRows() throws Exception {
        Map<String, Integer> got = new HashMap<>();
        try (Connection db = database();
                Statement query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT id FROM " + table)) {
            while (rows.next()) {
                got.merge(rows.getString(1), 1, Integer::sum);
            }
        }
        return got;
    }

    private long rows(String name) throws Exception {
        try (Connection db = database();
                Statement query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT count(*) FROM " + name)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long attempts() throws Exception {
        return rows(attempts);
    }

    private Map<String, Integer> kafkaKeys(Set<String> expected) {
        Map<String, Object> properties = new HashMap<>(KafkaTestCluster.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-" + run);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> got = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int idle = 0;
            while (System.nanoTime() < deadline && idle < 5) {
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                consumer.poll(Duration.ofMillis(500)).forEach(batch::add);
                batch.forEach(r -> got.merge(r.value(), 1, Integer::sum));
                idle = batch.isEmpty() && got.keySet().containsAll(expected) ? idle + 1 : 0;
            }
        }
        return got;
    }

    private static Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    }

    private static String basic(String user) {
        return LocalHttp.basicAuth(user, user);
    }
}
