package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.jms.Message;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.test.common.QuarkusTestResource;

import dev.caravan.broker.EmbeddedBroker;
import dev.caravan.routing.RouteFileLoader;

/**
 * Base of the in-process tests: the shared Caravan boot (one {@link CaravanTestResource} for all), the Camel context,
 * the route files and the broker port that outside clients connect to.
 */
@QuarkusTestResource(CaravanTestResource.class)
public abstract class CaravanTestSupport {

    @Inject
    protected RouteFileLoader loader;

    @Inject
    protected CamelContext camel;

    @ConfigProperty(name = "caravan.broker.port")
    protected int port;

    @Inject
    protected EmbeddedBroker embeddedBroker;

    private RouteFiles files;

    /** Route files in the test run's routes directory. */
    protected RouteFiles files() {
        if (files == null) {
            files = new RouteFiles(loader);
        }
        return files;
    }

    /**
     * The next dead letter of {@code queue}, read by {@code operator} from {@code DLA::DLQ.<queue>}. Waits until the
     * broker has created that DLQ and put a message on it before consuming: broker.xml refuses a consumer that asks
     * for a DLQ before its first dead letter, and racing that refusal against the broker creating it is flaky.
     */
    protected Message nextDeadLetter(Jms operator, String queue, Duration timeout) throws Exception {
        SimpleString name = SimpleString.of("DLQ." + queue);
        await().atMost(timeout).until(() -> {
            var dlq = embeddedBroker.server().locateQueue(name);
            return dlq != null && dlq.getMessageCount() > 0;
        });
        Message dead = operator.receive("DLA::DLQ." + queue, 5_000);
        if (dead == null) {
            throw new AssertionError("DLQ." + queue + " has a message but none could be received");
        }
        return dead;
    }

    /**
     * Waits until {@code topic} has subscription queues with at least {@code consumers} consumers in all. A route's
     * JMS consumer subscribes a moment after the route is reported started, and a topic keeps nothing for a
     * subscription that does not exist yet: tests publish only after this.
     */
    protected void awaitSubscribers(String topic, int consumers) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var bindings = embeddedBroker.server().getPostOffice().getBindingsForAddress(SimpleString.of(topic));
            int total = 0;
            for (var binding : bindings.getBindings()) {
                if (binding instanceof org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding local) {
                    total += local.getQueue().getConsumerCount();
                }
            }
            return total >= consumers;
        });
    }

    /** Messages on {@code queue} now (0 if it does not exist), as the embedded broker counts them. */
    protected long depth(String queue) {
        var q = embeddedBroker.server().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    /** Waits (30 s at most) until {@code queue} holds exactly {@code count} messages. */
    protected void awaitDepth(String queue, long count) {
        await(queue + " holds " + count).atMost(Duration.ofSeconds(30)).until(() -> depth(queue) == count);
    }

    /** A core JMS client logged in as {@code user}, whose password in tests is the development default. */
    protected Jms connect(String user) throws Exception {
        return Jms.connect(port, user, user);
    }
}
