package dev.caravan.transform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.xml.stream.XMLInputFactory;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;

import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;

/**
 * Builds a {@link Transformer} from its folder: {@code transformer.yaml} says the {@code kind} and its settings.
 * <ul>
 * <li>{@code jq}: a JSON to JSON mapping in jq ({@code mapping: mapping.jq}). jq because Caravan routes already speak it
 * (camel-jq), jackson-jq is pure Java on the Jackson Caravan uses everywhere, and jq files are short, testable text;
 * JSONata and JSLT components are not in this build's Maven mirror as Camel Quarkus extensions.</li>
 * <li>{@code json-to-xml} ({@code root: order}) and {@code xml-to-json}: Jackson's XML mapper.</li>
 * <li>{@code csv-to-json}: Jackson's CSV mapper, first line is the header ({@code separator}, default {@code ,}).</li>
 * <li>{@code json-schema} ({@code schema: schema.json}): validation; the body passes unchanged or fails with every
 * violation listed.</li>
 * </ul>
 */
final class Transformers {

    static final ObjectMapper JSON = new ObjectMapper();
    static final XmlMapper XML = new XmlMapper();
    static {
        // Hostile XML: no DTDs, so no entity can be declared, fetched (XXE) or expanded (billion laughs); a reference
        // to one fails as an undeclared entity. Jackson's defaults are the same today; set here so that an upgrade
        // cannot quietly change them (XmlSafetyTest).
        XML.getFactory().getXMLInputFactory().setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.getFactory().getXMLInputFactory().setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }
    static final CsvMapper CSV = new CsvMapper();

    private Transformers() {
    }

    static Transformer load(String name, Path folder) {
        Path manifest = folder.resolve("transformer.yaml");
        Map<?, ?> spec;
        try {
            Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(manifest));
            if (!(yaml instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(manifest + ": expected a mapping with a 'kind'");
            }
            spec = map;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        String kind = String.valueOf(spec.get("kind"));
        return switch (kind) {
            case "jq" -> jq(name, folder, text(spec, "mapping", "mapping.jq"));
            case "json-to-xml" -> jsonToXml(name, text(spec, "root", "message"));
            case "xml-to-json" -> xmlToJson(name);
            case "csv-to-json" -> csvToJson(name, text(spec, "separator", ",").charAt(0));
            case "json-schema" -> jsonSchema(name, folder, text(spec, "schema", "schema.json"));
            default -> throw new IllegalArgumentException(manifest + ": unknown kind '" + kind
                    + "' (jq, json-to-xml, xml-to-json, csv-to-json, json-schema)");
        };
    }

    private static String text(Map<?, ?> spec, String key, String fallback) {
        Object value = spec.get(key);
        return value == null ? fallback : value.toString();
    }

    private static Transformer jq(String name, Path folder, String mappingFile) {
        String program;
        JsonQuery query;
        try {
            program = Files.readString(folder.resolve(mappingFile));
            query = JsonQuery.compile(program, Versions.JQ_1_6);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot compile " + mappingFile + ": " + e.getMessage(), e);
        }
        Scope root = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
        return new Simple(name, "application/json", input -> {
            JsonNode in = readJson(name, input);
            List<JsonNode> out = new ArrayList<>();
            try {
                query.apply(Scope.newChildScope(root), in, out::add);
            } catch (IOException e) {
                throw new TransformException(name + ": " + e.getMessage(), e);
            }
            if (out.size() == 1) {
                return integral(out.get(0)).toString();
            }
            ArrayNode all = JSON.createArrayNode();
            out.forEach(node -> all.add(integral(node)));
            return all.toString();
        });
    }

    private static Transformer jsonToXml(String name, String rootElement) {
        // One writer per transformer: building it per message repeated the root-name and serializer lookups, which
        // showed in the profile of benchmark (d).
        com.fasterxml.jackson.databind.ObjectWriter writer = XML.writer().withRootName(rootElement);
        Parsed write = tree -> {
            try {
                return writer.writeValueAsString(tree);
            } catch (IOException e) {
                throw new TransformException(name + ": cannot write XML: " + e.getMessage(), e);
            }
        };
        // From the maps and lists a JSONPath predicate parsed, when the route has one: the same XML, one parse less.
        return new Simple(name, "application/xml", input -> write.apply(readJson(name, input)), write);
    }

    private static Transformer xmlToJson(String name) {
        return new Simple(name, "application/json", input -> {
            try {
                return JSON.writeValueAsString(XML.readTree(input));
            } catch (IOException e) {
                throw new TransformException(name + ": body is not well-formed XML: " + e.getMessage(), e);
            }
        });
    }

    private static Transformer csvToJson(String name, char separator) {
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(separator);
        return new Simple(name, "application/json", input -> {
            try (var rows = CSV.readerFor(Map.class).with(schema).<Map<String, String>>readValues(input)) {
                return JSON.writeValueAsString(rows.readAll());
            } catch (IOException | RuntimeException e) {
                throw new TransformException(name + ": body is not CSV with a header line: " + e.getMessage(), e);
            }
        });
    }

    /**
     * jq computes in doubles; like the jq command line, write whole numbers without a fraction ({@code 250}, not
     * {@code 250.0}).
     */
    static JsonNode integral(JsonNode node) {
        if (node.isDouble() || node.isFloat()) {
            double value = node.doubleValue();
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                return LongNode.valueOf((long) value);
            }
            return node;
        }
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> field.setValue(integral(field.getValue())));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, integral(array.get(i)));
            }
        }
        return node;
    }

    /**
     * Validation as a transformer: the body passes unchanged when it matches the schema; otherwise every violation is
     * listed in the {@link TransformException}, which the route's failure (and the dead letter) carries.
     */
    private static Transformer jsonSchema(String name, Path folder, String schemaFile) {
        JsonSchema schema;
        try {
            JsonNode schemaNode = JSON.readTree(Files.readString(folder.resolve(schemaFile)));
            VersionFlag version = SpecVersionDetector.detectOptionalVersion(schemaNode, false)
                    .orElse(VersionFlag.V202012);
            schema = JsonSchemaFactory.getInstance(version).getSchema(schemaNode);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + ": cannot read " + schemaFile + ": " + e.getMessage(), e);
        }
        return new Simple(name, "application/json", input -> {
            Set<ValidationMessage> violations = schema.validate(readJson(name, input));
            if (!violations.isEmpty()) {
                throw new TransformException(name + ": body does not match " + schemaFile + ": " + violations.stream()
                        .map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
            }
            return input;
        });
    }

    static JsonNode readJson(String name, String input) throws TransformException {
        try {
            return JSON.readTree(input);
        } catch (IOException e) {
            throw new TransformException(name + ": body is not JSON: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface Mapping {
        String apply(String input) throws TransformException;
    }

    /** A mapping from a JSON document already parsed (a JsonNode, or Jackson's untyped maps and lists). */
    @FunctionalInterface
    interface Parsed {
        String apply(Object tree) throws TransformException;
    }

    private record Simple(String name, String outputContentType, Mapping mapping, Parsed parsed)
            implements
                Transformer {

        Simple(String name, String outputContentType, Mapping mapping) {
            this(name, outputContentType, mapping, null);
        }

        @Override
        public String apply(String input) throws TransformException {
            return mapping.apply(input);
        }

        @Override
        public String applyParsed(Object tree) throws TransformException {
            return parsed == null ? null : parsed.apply(tree);
        }
    }
}
