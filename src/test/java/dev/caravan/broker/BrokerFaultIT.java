package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.Ports;

/**
 * Issue 7, broker faults: Caravan in the prod profile against an external broker (a second Caravan's embedded Artemis
 * from the same broker-config/) that is stopped, and then killed, while messages flow through a route. Each time:
 * readiness goes DOWN naming the broker, the gateway refuses with 503 (nothing is accepted that could be lost), the
 * broker comes back on the same journal, Caravan reconnects by itself, readiness is UP again, the route resumes, and
 * every message the broker had accepted arrives — lost 0; duplicates counted. After each, request-reply over HTTP works
 * again too.
 */
class BrokerFaultIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final int PER_PHASE = 300;

    @Test
    void caravanRidesOutABrokerStopAndABrokerCrash() throws Exception {
        Path run = CaravanProcess.runDir("broker-fault-");
        Path brokerRoutes = Files.createDirectories(run.resolve("broker/routes"));
        Path brokerData = run.resolve("broker/data");
        int brokerPort = Ports.free();
        int brokerHttp = Ports.free();
        Path routes = Files.createDirectories(run.resolve("prod/routes"));
        Files.writeString(routes.resolve("fault-relay.camel.yaml"), """
                - route:
                    id: fault-relay
                    from:
                      uri: "jms:queue:fault.in"
                      steps:
                        - setBody:
                            simple: "relayed:${body}"
                        - to: "jms:queue:fault.out"
                # Answers the gateway's request-reply: its sends, and its reply queue, must come back with the broker.
                - route:
                    id: fault-echo
                    from:
                      uri: "jms:queue:fault.echo"
                      steps:
                        - setBody:
                            simple: "echo:${body}"
                """);
        int prodHttp = Ports.free();
        Map<String, Integer> received = new HashMap<>(); // every accepted message -> times it arrived
        int sent = 0;
        CaravanProcess broker = CaravanProcess.start(run.resolve("broker"), brokerRoutes, brokerData, brokerHttp,
                brokerPort, Map.of()).awaitReady(START);
        try (CaravanProcess prod = CaravanProcess.start(run.resolve("prod"), routes, run.resolve("prod/data"),
                prodHttp, Ports.free(), Map.of("quarkus.profile", "prod",
                        "caravan.broker.url", "tcp://127.0.0.1:" + brokerPort,
                        "quarkus.log.console.json.enabled", "false"))) {
            prod.awaitReady(START);
            for (String fault : new String[]{"stop", "crash"}) {
                sent = send(brokerPort, sent, PER_PHASE, received);
                if (fault.equals("stop")) {
                    broker.stop(Duration.ofSeconds(60));
                } else {
                    broker.kill();
                }
                // Down: readiness says which check failed, and the gateway accepts nothing it could lose.
                await().atMost(Duration.ofSeconds(30)).until(() -> status(prodHttp, "/q/health/ready") == 503);
                assertThat(body(prodHttp, "/q/health/ready")).contains("\"broker\"").contains("DOWN");
                HttpResponse<String> refused = post(prodHttp, "/api/queues/fault.in", "during-" + fault);
                assertThat(refused.statusCode()).as("gateway while the broker is %s: %s", fault, refused.body())
                        .isEqualTo(503);
                assertThat(refused.body()).contains("\"error\"");
                assertThat(refused.headers().firstValue("Retry-After")).as("503 says when to retry").isPresent();
                assertThat(status(prodHttp, "/q/health/live")).as("alive while the broker is away").isEqualTo(200);

                broker.close();
                broker = CaravanProcess.start(run.resolve("broker"), brokerRoutes, brokerData, brokerHttp, brokerPort,
                        Map.of()).awaitReady(START);
                // Ready means a send goes through now: the broker answers a login AND Caravan's own connections have
                // finished reconnecting (before that, readiness says how many are still at it).
                AtomicInteger stillReconnecting = new AtomicInteger();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    HttpResponse<String> ready = get(prodHttp, "/q/health/ready");
                    if (ready.body().contains("still reconnecting")) {
                        stillReconnecting.incrementAndGet();
                    }
                    return ready.statusCode() == 200;
                });
                System.out.printf("after the broker %s: readiness said 'still reconnecting' %d times%n", fault,
                        stillReconnecting.get());
                HttpResponse<String> accepted = post(prodHttp, "/api/queues/fault.in", "after-" + fault);
                assertThat(accepted.statusCode()).as("gateway once ready again: %s", accepted.body()).isEqualTo(202);
                sent++;
                received.put("after-" + fault, 0);
                // Request-reply too: the request goes out on a pooled session (one of the old connection's is resent
                // once), and the reply comes back through the reply manager, whose consumer has reconnected.
                HttpResponse<String> replied = post(prodHttp, "/api/requests/fault.echo?timeout=30s", "ping-" + fault);
                assertThat(replied.statusCode()).as("request-reply once ready again: %s", replied.body())
                        .isEqualTo(200);
                assertThat(replied.body()).isEqualTo("echo:ping-" + fault);
            }
            sent = send(brokerPort, sent, PER_PHASE, received);

            // Everything the broker accepted arrives: drain fault.out until nothing more comes.
            try (Jms client = Jms.connect(brokerPort, "app", "app");
                    MessageConsumer consumer = client.session().createConsumer(client.session().createQueue(
                            "fault.out"))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                long distinct = 0;
                while (System.nanoTime() < deadline && distinct < received.size()) {
                    Message message = consumer.receive(2_000);
                    if (message == null) {
                        continue;
                    }
                    String body = Jms.text(message).substring("relayed:".length());
                    assertThat(received).as("only accepted messages arrive").containsKey(body);
                    if (received.merge(body, 1, Integer::sum) == 1) {
                        distinct++;
                    }
                }
            }
            assertThat(received).hasSize(sent);
            long lost = received.values().stream().filter(n -> n == 0).count();
            long duplicates = received.values().stream().mapToLong(n -> Math.max(0, n - 1)).sum();
            System.out.printf("broker faults: sent %d (gateway and JMS), lost %d, duplicates %d%n", sent, lost,
                    duplicates);
            assertThat(lost).as("messages the broker accepted but that never arrived").isZero();
            prod.stop(Duration.ofSeconds(60));
        } finally {
            broker.close();
        }
    }

    /** Sends {@code count} messages numbered from {@code from}, each expected once; returns the new total. */
    private int send(int brokerPort, int from, int count, Map<String, Integer> expected) throws Exception {
        try (Jms client = Jms.connect(brokerPort, "app", "app")) {
            for (int i = from; i < from + count; i++) {
                client.sendText("fault.in", "m-" + i);
                expected.put("m-" + i, 0);
            }
        }
        return from + count;
    }

    private static int status(int port, String path) {
        return new LocalHttp(port).status(path);
    }

    private static String body(int port, String path) throws Exception {
        return get(port, path).body();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return new LocalHttp(port).get(path);
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return new LocalHttp(port).post(path, "app", "app", "text/plain", body);
    }
}
