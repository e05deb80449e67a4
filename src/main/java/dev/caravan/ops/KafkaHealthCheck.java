package dev.caravan.ops;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Ready while the Kafka cluster of {@code caravan.kafka.brokers} answers: a describe-cluster request within
 * {@code caravan.health.timeout}. Registered only when that setting is given; without it Kafka routes do not start,
 * and there is nothing to check. The admin client takes the Kafka component's own client settings (TLS, SASL, ...), so
 * it reaches the cluster exactly as the routes do.
 */
@ApplicationScoped
public class KafkaHealthCheck implements AsyncHealthCheck {

    @Inject
    HealthConfig config;

    @ConfigProperty(name = "caravan.kafka.brokers")
    Optional<String> brokers;

    @Inject
    @Readiness
    HealthRegistry readiness;

    @Inject
    CamelContext camel;

    private Admin admin;

    void register(@Observes StartupEvent event) {
        if (configured()) {
            readiness.register("kafka", this);
        }
    }

    boolean configured() {
        return brokers.filter(b -> !b.isBlank()).isPresent();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Admin client;
        try {
            client = admin();
        } catch (RuntimeException e) {
            return Uni.createFrom().item(down(e));
        }
        int timeout = (int) config.timeout().toMillis();
        var nodes = client.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes();
        return Uni.createFrom().completionStage(nodes.toCompletionStage())
                .map(list -> response().up().withData("nodes", list.size()).build())
                .onFailure().recoverWithItem(this::down)
                // The request has its own timeout; this one only guards against a client that never answers.
                .ifNoItem().after(config.timeout().multipliedBy(2))
                .recoverWithItem(() -> response().down().withData("error", "no answer").build());
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties routes = camel.getComponent("kafka", KafkaComponent.class).getConfiguration()
                    .createConsumerProperties();
            Map<String, Object> settings = new HashMap<>();
            for (String name : AdminClientConfig.configNames()) {
                if (routes.containsKey(name)) {
                    settings.put(name, routes.get(name));
                }
            }
            settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.orElseThrow());
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "caravan-health");
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
            admin = Admin.create(settings);
        }
        return admin;
    }

    private HealthCheckResponseBuilder response() {
        return HealthCheckResponse.named("kafka").withData("brokers", brokers.orElse(""));
    }

    private HealthCheckResponse down(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return response().down().withData("error", String.valueOf(cause.getMessage())).build();
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
