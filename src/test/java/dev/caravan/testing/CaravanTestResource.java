package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the test run its own routes directory (seeded with the shipped examples, so they are tested too), its own
 * transformers directory (a copy of the shipped ones, so tests may edit them), broker data directory, a free broker port and a real Kafka broker ({@link KafkaTestCluster}). Applies to every {@code @QuarkusTest}, so they share one boot.
 */
public class CaravanTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path base = Files.createDirectories(Path.of("target", "caravan-test")).toAbsolutePath();
            Path run = Files.createTempDirectory(base, "run-");
            Path routes = Files.createDirectories(run.resolve("routes"));
            Path data = Files.createDirectories(run.resolve("data"));
            try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
                for (Path file : shipped.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path transformers = run.resolve("transformers");
            copyTree(Path.of("transformers"), transformers);
            return Map.of(
                    "caravan.routes.dir", routes.toString(),
                    "caravan.transformers.dir", transformers.toString(),
                    "caravan.data.dir", data.toString(),
                    "caravan.broker.port", Integer.toString(Ports.free()),
                    "caravan.kafka.brokers", KafkaTestCluster.start(),
                    "caravan.partner.url", PartnerStub.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Kafka cluster", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void stop() {
        // The run directory stays under target/ for post-mortems; mvn clean removes it.
        PartnerStub.stop();
        try {
            KafkaTestCluster.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the test Kafka cluster", e);
        }
    }
}
