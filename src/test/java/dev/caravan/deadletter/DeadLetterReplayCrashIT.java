package dev.caravan.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.junit.jupiter.api.Test;

import dev.caravan.cli.CaravanCli;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;

/**
 * Replay is safe: Caravan is killed (SIGKILL) in the middle of replaying 10,000 dead letters; after a restart on the
 * same data every message is either still in the DLQ or on its destination, exactly once. The rest is then replayed
 * with the {@code bin/caravan} CLI.
 */
class DeadLetterReplayCrashIT {

    private static final int MESSAGES = 10_000;
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void killDuringReplayLosesNoneAndDuplicatesNone() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("replay-");
        long movedBeforeKill;
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(START);
            fillDeadLetterQueue(layout.brokerPort());

            HttpClient http = HttpClient.newHttpClient();
            var replay = http.sendAsync(post(layout.httpPort(), "/api/dlq/DLQ.crash.in/replay",
                    "{\"all\": true, \"destination\": \"crash.out\"}"), HttpResponse.BodyHandlers.ofString());
            try (ServerLocator locator = locator(layout.brokerPort());
                    ClientSessionFactory factory = locator.createSessionFactory();
                    ClientSession session = factory.createSession("admin", "admin", false, true, true, false, 0)) {
                // Kill once a few batches are through, well before the end.
                long[] moved = {0};
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> {
                    moved[0] = session.queueQuery(SimpleString.of("crash.out")).getMessageCount();
                    return moved[0] >= MESSAGES / 5;
                });
                caravan.kill();
                movedBeforeKill = moved[0];
            }
            assertThat(movedBeforeKill).as("killed in the middle, not after the end").isLessThan(MESSAGES);
            assertThat(replay.handle((r, e) -> r).get(10, TimeUnit.SECONDS)).as("the replay request died with it")
                    .isNull();
        }

        Set<String> delivered = new HashSet<>();
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(START);
            long left = dlqDepth(layout.brokerPort());
            List<String> afterCrash = drain(layout.brokerPort(), "crash.out");
            delivered.addAll(afterCrash);
            assertThat(afterCrash).as("no duplicates on the destination").hasSize(delivered.size());
            assertThat(afterCrash.size() + left).as("on the destination or still in the DLQ: none lost")
                    .isEqualTo(MESSAGES);
            assertThat(afterCrash.size() % 500).as("whole batches only (caravan.dlq.batch-size)").isZero();
            assertThat(left).isPositive();
            System.out.printf("replay crash: %d on the destination when killed; after restart %d delivered (no"
                    + " duplicates), %d still in the DLQ%n", movedBeforeKill, afterCrash.size(), left);

            // The operator finishes the job from the terminal.
            ProcessBuilder command = new ProcessBuilder("bin/caravan", "dlq", "replay", "DLQ.crash.in", "--all",
                    "--destination", "crash.out").redirectErrorStream(true);
            command.environment().putAll(Map.of("CARAVAN_URL", "http://127.0.0.1:" + layout.httpPort(), "CARAVAN_USER",
                    "operator", "CARAVAN_PASSWORD", "operator"));
            Process cli = command.start();
            cli.getOutputStream().close();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(output).isEqualTo(CaravanCli.OK);
            assertThat(output).contains("replayed " + left);

            List<String> rest = drain(layout.brokerPort(), "crash.out");
            for (String body : rest) {
                assertThat(delivered.add(body)).as("delivered once: " + body).isTrue();
            }
            assertThat(delivered).hasSize(MESSAGES);
            assertThat(dlqDepth(layout.brokerPort())).isZero();
            caravan.stop(Duration.ofSeconds(60));
        }
    }

    private static void fillDeadLetterQueue(int brokerPort) throws Exception {
        try (var connection = Jms.core(brokerPort, "admin", "admin").createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue("crash.in"))) {
            for (int i = 0; i < MESSAGES; i++) {
                producer.send(session.createTextMessage("m-" + i));
                if (i % 1000 == 999) {
                    session.commit();
                }
            }
            session.commit();
        }
        // The broker's own dead-lettering of every message on crash.in (what max-delivery-attempts would do).
        try (ServerLocator locator = locator(brokerPort);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession("admin", "admin", false, true, true, false, 0)) {
            session.start();
            try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
                ClientMessage request = session.createMessage(false);
                ManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + "crash.in",
                        "sendMessagesToDeadLetterAddress", (Object) null);
                ClientMessage reply = requestor.request(request, 60_000);
                assertThat(ManagementHelper.hasOperationSucceeded(reply)).isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> session.queueQuery(SimpleString.of("DLQ.crash.in"))
                    .getMessageCount() == MESSAGES);
        }
    }

    private static long dlqDepth(int brokerPort) throws Exception {
        try (ServerLocator locator = locator(brokerPort);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession("admin", "admin", false, true, true, false, 0)) {
            return session.queueQuery(SimpleString.of("DLQ.crash.in")).getMessageCount();
        }
    }

    private static List<String> drain(int brokerPort, String queue) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Jms admin = Jms.connect(brokerPort, "admin", "admin");
                MessageConsumer consumer = admin.session().createConsumer(admin.session().createQueue(queue))) {
            Message message;
            while ((message = consumer.receive(2_000)) != null) {
                bodies.add(Jms.text(message));
            }
        }
        return bodies;
    }

    private static ServerLocator locator(int brokerPort) throws Exception {
        return ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=0");
    }

    private static HttpRequest post(int httpPort, String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("operator:operator".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
