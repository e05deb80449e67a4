package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.jms.Message;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.jms.ConsumerType;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Camel's documented {@code jms} endpoint options work on Caravan's JMS component. Options that Camel's JMS endpoint
 * keeps only in its configuration (no setter of the endpoint's own) were refused as unknown parameters until the
 * component carried Camel's component name, by which Camel finds the generated option configurers.
 */
@QuarkusTest
class JmsEndpointOptionsTest extends CaravanTestSupport {

    @ParameterizedTest
    @ValueSource(strings = {"queue", "topic"})
    void optionsKeptInTheEndpointsConfigurationAreApplied(String kind) {
        JmsEndpoint endpoint = camel.getEndpoint("jms:" + kind + ":caravan.test.options?deliveryDelay=1500"
                + "&synchronous=true&consumerType=Simple&replyToConsumerType=Simple&mapJmsMessage=false"
                + "&artemisConsumerPriority=7&correlationProperty=orderId&replyCorrelationProperty=orderId"
                + "&errorHandlerLoggingLevel=INFO&streamMessageTypeEnabled=true&transactedInOut=true"
                + "&requestTimeoutCheckerInterval=250&replyToOnTimeoutMaxConcurrentConsumers=2&browseLimit=5",
                JmsEndpoint.class);

        JmsConfiguration configuration = endpoint.getConfiguration();
        assertThat(endpoint.getComponent()).isInstanceOf(CaravanJmsComponent.class);
        assertThat(configuration.getDeliveryDelay()).isEqualTo(1500);
        assertThat(configuration.isSynchronous()).isTrue();
        assertThat(configuration.getConsumerType()).isEqualTo(ConsumerType.Simple);
        assertThat(configuration.getReplyToConsumerType()).isEqualTo(ConsumerType.Simple);
        assertThat(configuration.isMapJmsMessage()).isFalse();
        assertThat(configuration.getArtemisConsumerPriority()).isEqualTo(7);
        assertThat(configuration.getCorrelationProperty()).isEqualTo("orderId");
        assertThat(configuration.getReplyCorrelationProperty()).isEqualTo("orderId");
        assertThat(configuration.getErrorHandlerLoggingLevel()).isEqualTo(LoggingLevel.INFO);
        assertThat(configuration.isStreamMessageTypeEnabled()).isTrue();
        assertThat(configuration.isTransactedInOut()).isTrue();
        assertThat(configuration.getRequestTimeoutCheckerInterval()).isEqualTo(250);
        assertThat(configuration.getReplyToOnTimeoutMaxConcurrentConsumers()).isEqualTo(2);
        assertThat(configuration.getBrowseLimit()).isEqualTo(5);
    }

    @Test
    void aDeliveryDelayOnTheEndpointSchedulesTheMessageOnTheBroker() throws Exception {
        String queue = "caravan.test.delayed";
        camel.createProducerTemplate().sendBody("jms:queue:" + queue + "?deliveryDelay=600000", "later");

        var scheduled = embeddedBroker.server().locateQueue(SimpleString.of(queue));
        assertThat(scheduled).isNotNull();
        try {
            // The send returned after the broker had the message: it is there, held back for ten minutes.
            assertThat(scheduled.getScheduledCount()).isEqualTo(1);
            assertThat(scheduled.getDeliveringCount()).isZero();
        } finally {
            scheduled.deleteAllReferences();
            await().atMost(Duration.ofSeconds(10)).until(() -> scheduled.getMessageCount() == 0);
        }
    }

    /**
     * Spring's push-style listener container, now that a route can ask for it: still transacted with the route's sends,
     * every message forwarded once, and a failing one dead-lettered after the broker's redeliveries.
     */
    @Test
    void aRouteOnThePushStyleConsumerKeepsTheTransactionalPromises() throws Exception {
        String file = "jms-simple-consumer.camel.yaml";
        files().deploy(file, """
                - route:
                    id: jms-simple-consumer
                    from:
                      uri: "jms:queue:caravan.test.simple.in"
                      parameters:
                        consumerType: Simple
                        concurrentConsumers: 4
                      steps:
                        - filter:
                            simple: "${body} == 'refuse me'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "refused"
                        - to: "jms:queue:caravan.test.simple.out"
                """);
        int messages = 500;
        try (Jms client = Jms.connect(port, "operator", "operator")) {
            for (int i = 0; i < messages; i++) {
                client.sendText("caravan.test.simple.in", "m" + i);
            }
            client.sendText("caravan.test.simple.in", "refuse me");

            Message dead = nextDeadLetter(client, "caravan.test.simple.in", Duration.ofSeconds(30));
            assertThat(Jms.text(dead)).isEqualTo("refuse me");
            var in = embeddedBroker.server().locateQueue(SimpleString.of("caravan.test.simple.in"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> in.getMessageCount() == 0 && in.getDeliveringCount() == 0);
            // Everything taken from the input is committed: the output holds each message once, no more, no less.
            var out = embeddedBroker.server().locateQueue(SimpleString.of("caravan.test.simple.out"));
            assertThat(out.getMessageCount()).isEqualTo(messages);
            out.deleteAllReferences();
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void aMisspelledOptionIsStillRefusedByName() {
        assertThatThrownBy(() -> camel.getEndpoint("jms:queue:caravan.test.typo?deliveryDelai=1000"))
                .hasMessageContaining("deliveryDelai");
    }
}
