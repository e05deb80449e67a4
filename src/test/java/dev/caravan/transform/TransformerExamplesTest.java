package dev.caravan.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every example of every transformer in {@code transformers/}: {@code examples/<case>.input.*} transformed must equal
 * {@code examples/<case>.expected.*} (compared as JSON or XML trees), or, for input it must refuse, fail with the reasons
 * listed in {@code examples/<case>.expected-error.txt}. A new transformer with examples is tested here
 * without writing a test.
 */
class TransformerExamplesTest {

    private final TransformerRegistry registry = new TransformerRegistry(Path.of("transformers"));

    @TestFactory
    Stream<DynamicTest> everyExampleOfEveryTransformer() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : registry.names()) {
            Path examples = registry.dir().resolve(name).resolve("examples");
            assertThat(examples).as("transformer %s has examples", name).isDirectory();
            try (Stream<Path> files = Files.list(examples)) {
                for (Path input : files.filter(f -> f.getFileName().toString().contains(".input.")).sorted().toList()) {
                    String example = input.getFileName().toString().replaceFirst("\\.input\\..*$", "");
                    Path expected = expectedFor(examples, example);
                    tests.add(DynamicTest.dynamicTest(name + " / " + example, () -> {
                        if (expected.getFileName().toString().endsWith(".expected-error.txt")) {
                            // An example of input the transformer must refuse, with (at least) these reasons.
                            assertThatThrownBy(() -> registry.get(name).apply(Files.readString(input)))
                                    .isInstanceOf(TransformException.class)
                                    .satisfies(e -> Files.readAllLines(expected).stream()
                                            .filter(line -> !line.isBlank())
                                            .forEach(line -> assertThat(e.getMessage()).contains(line)));
                        } else {
                            String output = registry.get(name).apply(Files.readString(input));
                            assertSame(expected, output);
                            if (input.toString().endsWith(".json")) {
                                // After a JSONPath predicate parsed the body: the very same text, where taken.
                                Object parsed = new ObjectMapper().readValue(input.toFile(), Object.class);
                                String fromParsed = registry.get(name).applyParsed(parsed);
                                if (fromParsed != null) {
                                    assertThat(fromParsed).isEqualTo(output);
                                }
                            }
                        }
                    }));
                }
            }
        }
        assertThat(tests).as("examples in transformers/").hasSizeGreaterThanOrEqualTo(4);
        return tests.stream();
    }

    /** json-to-xml writes the same XML from the parsed maps and lists as from the text, whatever the document holds. */
    @Test
    void jsonToXmlFromAParsedBodyIsTheSameXml() throws Exception {
        Transformer toXml = registry.get("order-json-to-xml");
        ObjectMapper mapper = new ObjectMapper();
        List<String> documents = List.of(
                "{\"id\": \"o-1\", \"customer\": null, \"vip\": true, \"empty\": {}, \"none\": []}",
                "{\"lines\": [{\"sku\": \"A\", \"q\": 2}, {\"sku\": \"B\", \"tags\": [\"x\", \"y\"]}],"
                        + " \"n\": [[1, 2], [3]]}",
                "{\"small\": 1, \"long\": 12345678901, \"huge\": 123456789012345678901234567890, \"d\": 2.50,"
                        + " \"e\": 1e300, \"neg\": -0.0}",
                "{\"text\": \"x < y & z \\\"quoted\\\" Zoë ✓ \\u0001\", \"dup\": 1, \"dup\": 2, \"a b\": 1}");
        for (String document : documents) {
            String fromText;
            try {
                fromText = toXml.apply(document);
            } catch (TransformException e) {
                assertThatThrownBy(() -> toXml.applyParsed(mapper.readValue(document, Object.class)))
                        .isInstanceOf(TransformException.class);
                continue;
            }
            assertThat(toXml.applyParsed(mapper.readValue(document, Object.class))).as(document).isEqualTo(fromText);
        }
    }

    @Test
    void badInputIsATransformExceptionNamingTheTransformer() {
        assertThatThrownBy(() -> registry.get("order-v1-to-v2").apply("{not json"))
                .isInstanceOf(TransformException.class).hasMessageStartingWith("order-v1-to-v2: body is not JSON");
        assertThatThrownBy(() -> registry.get("order-xml-to-json").apply("<order><id>1</order>"))
                .isInstanceOf(TransformException.class).hasMessageContaining("not well-formed XML");
    }

    @Test
    void unknownTransformerIsRefusedByName() {
        assertThatThrownBy(() -> registry.get("no-such-thing")).hasMessageContaining("no transformer 'no-such-thing'");
        assertThatThrownBy(() -> registry.get("../routes")).hasMessageContaining("not a folder name");
    }

    private static Path expectedFor(Path examples, String example) throws IOException {
        try (Stream<Path> files = Files.list(examples)) {
            return files.filter(f -> f.getFileName().toString().startsWith(example + ".expected")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + example + ".expected.* in " + examples));
        }
    }

    private static void assertSame(Path expectedFile, String output) throws IOException {
        String expected = Files.readString(expectedFile);
        if (expectedFile.toString().endsWith(".xml")) {
            JsonNode want = Transformers.XML.readTree(expected);
            assertThat(Transformers.XML.readTree(output)).as(output).isEqualTo(want);
            assertThat(output).startsWith("<" + rootOf(expected));
        } else {
            assertThat(Transformers.JSON.readTree(output)).as(output).isEqualTo(Transformers.JSON.readTree(expected));
        }
    }

    private static String rootOf(String xml) {
        String trimmed = xml.strip().substring(1);
        return trimmed.substring(0, trimmed.indexOf('>'));
    }
}
