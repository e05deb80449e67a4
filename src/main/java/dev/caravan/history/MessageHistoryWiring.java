package dev.caravan.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.service.ServiceHelper;

/** Puts the {@link MessageHistoryNotifier} on the CamelContext before any route starts. */
@ApplicationScoped
public class MessageHistoryWiring {

    @Inject
    MessageHistory history;

    void onCamelStarting(@Observes CamelEvent.CamelContextStartingEvent event) {
        if (!history.enabled()) {
            return;
        }
        MessageHistoryNotifier notifier = new MessageHistoryNotifier(history);
        notifier.setCamelContext(event.getContext());
        event.getContext().getManagementStrategy().addEventNotifier(notifier);
        ServiceHelper.startService(notifier);
    }
}
