package dev.caravan.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.caravan.testing.HostileBodies;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile bodies straight into every shipped transformer, without Quarkus (plain jqwik properties, so they run on the
 * jqwik engine and shrink a failure to its smallest body). The contract: a transformer returns text, or refuses with a
 * {@link TransformException} naming itself and the reason, which the route turns into a dead letter. Anything else
 * (a {@link StackOverflowError} from deep nesting, a stray runtime exception) would reach the route as an unexplained
 * failure or take the consumer thread down.
 * <p>
 * {@code mvn -q -B test -Dtest='HostileTransformerInputTest,HostileInputGatewayTest'
 * -Dsurefire.failIfNoSpecifiedTests=false} runs it with the gateway fuzz.
 */
class HostileTransformerInputTest {

    /** 100k levels: far past any parser's stack, and still under the gateway's 1M body limit of the test profile. */
    static final int DEEP = 100_000;

    private static final Path SHIPPED = Path.of("transformers");
    private static final Map<String, Transformer> TRANSFORMERS = new TreeMap<>();
    private static final Map<String, AtomicInteger> OUTCOMES = new ConcurrentHashMap<>();

    static {
        try (Stream<Path> folders = Files.list(SHIPPED)) {
            for (Path folder : folders.filter(f -> Files.isRegularFile(f.resolve("transformer.yaml"))).toList()) {
                String name = folder.getFileName().toString();
                TRANSFORMERS.put(name, Transformers.load(name, folder));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 1500, seed = "7", shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
    void everyBodyIsTransformedOrRefusedWithTheTransformersNameAndReason(
            @ForAll("transformerNames") String name, @ForAll("hostileBodies") Tuple.Tuple2<String, String> body) {
        Transformer transformer = TRANSFORMERS.get(name);
        String outcome;
        try {
            String out = transformer.apply(body.get2());
            assertThat(out).as("output of %s", name).isNotNull();
            outcome = "transformed";
        } catch (TransformException e) {
            assertThat(e.getMessage()).as("reason").startsWith(name + ": ").hasSizeGreaterThan(name.length() + 2);
            outcome = "TransformException";
        } catch (Throwable other) {
            throw new AssertionError(name + " failed on a " + body.get1() + " body with " + other
                    + " instead of a TransformException", other);
        }
        OUTCOMES.computeIfAbsent(kind(name) + " | " + body.get1() + " | " + outcome, k -> new AtomicInteger())
                .incrementAndGet();
    }

    @Example
    void hundredThousandNestedJsonArraysAreRefusedWithTheNestingDepth() {
        String deep = "[".repeat(DEEP) + "]".repeat(DEEP);
        for (String name : List.of("order-json-to-xml", "order-pricing", "order-schema", "order-v1-to-v2")) {
            assertThatThrownBy(() -> TRANSFORMERS.get(name).apply(deep)).as(name)
                    .isInstanceOf(TransformException.class).hasMessageStartingWith(name + ": body is not JSON")
                    .hasMessageContaining("nesting depth");
        }
    }

    @Example
    void hundredThousandNestedJsonObjectsAreRefusedWithTheNestingDepth() {
        String deep = "{\"a\":".repeat(DEEP) + "1" + "}".repeat(DEEP);
        assertThatThrownBy(() -> TRANSFORMERS.get("order-v1-to-v2").apply(deep))
                .isInstanceOf(TransformException.class).hasMessageContaining("nesting depth");
    }

    @Example
    void hundredThousandNestedXmlElementsAreRefusedWithTheNestingDepth() {
        String deep = "<a>".repeat(DEEP) + "x" + "</a>".repeat(DEEP);
        assertThatThrownBy(() -> TRANSFORMERS.get("order-xml-to-json").apply(deep))
                .isInstanceOf(TransformException.class).hasMessageStartingWith("order-xml-to-json: ")
                .hasMessageMatching("(?is).*depth.*");
    }

    @Example
    void nestingJustUnderTheLimitIsStillTransformed() throws TransformException {
        String json = "[".repeat(900) + "1" + "]".repeat(900);
        assertThat(TRANSFORMERS.get("order-json-to-xml").apply(json)).startsWith("<order>");
        String xml = "<a>".repeat(900) + "x" + "</a>".repeat(900);
        assertThat(TRANSFORMERS.get("order-xml-to-json").apply(xml)).contains("\"x\"");
    }

    @AfterContainer
    static void summary() {
        StringBuilder table = new StringBuilder("\nHostile transformer input (kind | body class | outcome: count)\n");
        new TreeMap<>(OUTCOMES).forEach((k, v) -> table.append("  ").append(k).append(": ").append(v).append('\n'));
        System.out.println(table);
    }

    @Provide
    Arbitrary<String> transformerNames() {
        return Arbitraries.of(TRANSFORMERS.keySet());
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, String>> hostileBodies() {
        return HostileBodies.all();
    }

    private static String kind(String name) {
        try {
            String manifest = Files.readString(SHIPPED.resolve(name).resolve("transformer.yaml"),
                    StandardCharsets.UTF_8);
            int at = manifest.indexOf("kind:");
            return manifest.substring(at + 5).strip().split("\\s")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
