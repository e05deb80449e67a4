package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** Durable subscriptions keep what was published while the subscriber was away; shared ones split the load. */
@QuarkusTest
class SubscriptionsTest extends CaravanTestSupport {

    @Test
    void durableSubscriberMissesNothingWhileStopped() throws Exception {
        files().deploy("subs-durable.camel.yaml", """
                - route:
                    id: subs-durable
                    from:
                      uri: "jms:topic:subs.durable.events"
                      parameters:
                        subscriptionDurable: true
                        clientId: subs-durable-test
                        durableSubscriptionName: subs-durable
                      steps:
                        - to: "jms:queue:subs.durable.out"
                """);
        awaitSubscribers("subs.durable.events", 1);
        try (Jms client = Jms.connect(port, "app", "app")) {
            client.publishText("subs.durable.events", "live-0");
            assertThat(Jms.text(client.receive("subs.durable.out", 10_000))).isEqualTo("live-0");

            camel.getRouteController().stopRoute("subs-durable");
            for (int i = 0; i < 10; i++) {
                client.publishText("subs.durable.events", "while-stopped-" + i);
            }
            assertThat(client.receive("subs.durable.out", 500)).as("stopped subscriber got nothing").isNull();

            camel.getRouteController().startRoute("subs-durable");
            List<String> received = client.receive("subs.durable.out", 10, 10_000).stream().map(Jms::text)
                    .toList();
            assertThat(received).containsExactlyElementsOf(
                    IntStream.range(0, 10).mapToObj(i -> "while-stopped-" + i).toList());
        } finally {
            files().undeploy("subs-durable.camel.yaml");
        }
    }

    @Test
    void sharedSubscriptionSplitsTheLoadAndLosesNothing() throws Exception {
        for (String member : List.of("a", "b")) {
            files().deploy("subs-shared-" + member + ".camel.yaml", """
                    - route:
                        id: subs-shared-%s
                        from:
                          uri: "jms:topic:subs.shared.events"
                          parameters:
                            subscriptionDurable: true
                            subscriptionShared: true
                            subscriptionName: subs-shared
                          steps:
                            - setHeader:
                                name: member
                                constant: "%s"
                            - to: "jms:queue:subs.shared.out"
                    """.formatted(member, member));
        }
        awaitSubscribers("subs.shared.events", 2);
        try (Jms client = Jms.connect(port, "app", "app")) {
            int count = 60;
            for (int i = 0; i < count; i++) {
                client.publishText("subs.shared.events", "event-" + i);
            }
            List<Message> received = client.receive("subs.shared.out", count, 10_000);
            assertThat(client.receive("subs.shared.out", 300)).as("one copy per event, not one per member")
                    .isNull();
            Set<String> bodies = received.stream().map(Jms::text).collect(Collectors.toSet());
            assertThat(bodies).hasSize(count);
            Map<String, Long> perMember = received.stream()
                    .collect(Collectors.groupingBy(SubscriptionsTest::member, Collectors.counting()));
            assertThat(perMember).containsOnlyKeys("a", "b");
            assertThat(perMember.values()).allSatisfy(n -> assertThat(n).isPositive());
        } finally {
            files().undeploy("subs-shared-a.camel.yaml");
            files().undeploy("subs-shared-b.camel.yaml");
        }
    }

    private static String member(Message message) {
        try {
            return message.getStringProperty("member");
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

}
