package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;

/**
 * A route file reloaded or removed leaves no route policy behind: not in the Camel context's services, not in JMX (the
 * tree the operators' console loads), while a policy that a remaining route still uses stays.
 */
@QuarkusTest
class RemovedRoutePoliciesTest extends CaravanTestSupport {

    private static final String FILE = "removed-route-policies.camel.yaml";

    @Test
    void reloadingAndRemovingARouteFileReleasesItsRoutesPolicies() throws Exception {
        int before = serviceMBeans();
        files().deploy(FILE, route("policies-probe", "first"));
        List<RoutePolicy> first = List.copyOf(camel.getRoute("policies-probe").getRoutePolicyList());
        assertThat(first).as("Caravan's metrics and correlation-id policies").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(policy -> assertThat(camel.hasService(policy)).isTrue());
        int deployed = serviceMBeans();
        assertThat(deployed).isGreaterThan(before);

        for (int reload = 0; reload < 3; reload++) {
            files().deploy(FILE, route("policies-probe", "reload " + reload));
        }
        assertThat(first).allSatisfy(policy -> assertThat(camel.hasService(policy)).as("%s", policy).isFalse());
        assertThat(serviceMBeans()).as("one route's policies, however often reloaded").isEqualTo(deployed);

        files().undeploy(FILE);
        assertThat(serviceMBeans()).isEqualTo(before);
    }

    @Test
    void aPolicySharedWithARouteThatStaysIsKept() throws Exception {
        RoutePolicy shared = new RoutePolicySupport() {
        };
        camel.getRegistry().bind("caravanTestSharedPolicy", shared);
        String stays = "removed-route-policies-stays.camel.yaml";
        files().deploy(stays, route("policies-stays", "stays").replace("    from:",
                "    routePolicy: caravanTestSharedPolicy\n    from:"));
        files().deploy(FILE, route("policies-goes", "goes").replace("    from:",
                "    routePolicy: caravanTestSharedPolicy\n    from:"));
        try {
            assertThat(camel.getRoute("policies-goes").getRoutePolicyList()).contains(shared);
            files().undeploy(FILE);
            assertThat(camel.getRoute("policies-stays").getRoutePolicyList()).contains(shared);
            assertThat(camel.hasService(shared)).isTrue();
        } finally {
            files().undeploy(stays);
        }
        assertThat(camel.hasService(shared)).as("released with the last route that used it").isFalse();
    }

    private static String route(String id, String note) {
        return """
                - route:
                    id: %s
                    description: "%s"
                    from:
                      uri: "jms:queue:caravan.test.%s"
                      steps:
                        - to: "jms:queue:caravan.test.%s.out"
                """.formatted(id, note, id, id);
    }

    /** Camel's service MBeans: route policies are among them, registered as services of the context. */
    private static int serviceMBeans() throws MalformedObjectNameException {
        return ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("org.apache.camel:type=services,*"), null).size();
    }
}
