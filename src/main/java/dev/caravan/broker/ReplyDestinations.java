package dev.caravan.broker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

import jakarta.jms.Destination;

import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.apache.camel.support.LRUCacheFactory;
import org.springframework.jms.core.JmsOperations;

/**
 * Reply destinations a route's consumer has already sent to, so a reply does not check its destination with the broker
 * again.
 * <p>
 * Why hand-written: the Artemis JMS client checks a destination object on its first send (an address query and a queue
 * query, two blocking round trips to the broker) and remembers the answer on that object only. A route answering
 * request-reply gets its reply destination from each request's {@code JMSReplyTo}, a new object every time, so every
 * reply paid both round trips: 1.5 ms of a ~7 ms request-reply round trip, measured with JFR (benchmark (g)). Artemis'
 * {@code cacheDestinations} covers destinations looked up by name, not these. Here the first destination object seen
 * for a name is kept and handed out for later replies to that name; once a send has checked it, later sends skip the
 * check. A check that failed leaves the object unchecked, so the next reply checks again.
 * <p>
 * Bounded (least recently used out), since requesters with temporary reply queues bring a new name each.
 */
final class ReplyDestinations {

    static final int CAPACITY = 1_000;

    // Camel's LRU cache: bounded and safe for concurrent replies without one lock around every lookup.
    private final Map<String, ActiveMQDestination> known = LRUCacheFactory.newLRUCache(CAPACITY);

    /** The destination to send a reply to: an earlier object for the same name if there is one, else this one. */
    Destination canonical(Destination destination) {
        if (!(destination instanceof ActiveMQDestination artemis) || artemis.isCreated()) {
            return destination;
        }
        String key = (artemis.isTemporary() ? "temp-" : "") + (artemis.isQueue() ? "queue:" : "topic:")
                + artemis.getAddress();
        ActiveMQDestination earlier = known.putIfAbsent(key, artemis);
        return earlier == null ? artemis : earlier;
    }

    int size() {
        return known.size();
    }

    /**
     * {@code template} with its {@code send(Destination, MessageCreator)} (the one a consumer's listener sends replies
     * with) going to {@link #canonical} destinations; every other method is the template's own.
     */
    JmsOperations replies(JmsOperations template) {
        return (JmsOperations) Proxy.newProxyInstance(JmsOperations.class.getClassLoader(),
                new Class<?>[]{JmsOperations.class}, (proxy, method, args) -> {
                    if (isSendToDestination(method)) {
                        args[0] = canonical((Destination) args[0]);
                    }
                    try {
                        return method.invoke(template, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean isSendToDestination(Method method) {
        return method.getName().equals("send") && method.getParameterCount() == 2
                && method.getParameterTypes()[0] == Destination.class;
    }
}
