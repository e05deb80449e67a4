package dev.caravan.ops;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One read of {@code /q/metrics} in the Prometheus text format, as a scraper sees it. */
record Scrape(List<Sample> samples) {

    /** One line: metric name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {

        boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    static Scrape now() {
        return parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** The sum of every sample of {@code name} carrying all of {@code labels}; 0 when there is none (yet). */
    double sum(String name, Map<String, String> labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    List<Sample> matching(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    }

    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new Scrape(samples);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            rest = labels(line, brace + 1, labels);
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] value = line.substring(rest).trim().split(" ");
        return new Sample(name, labels, Double.parseDouble(value[0]));
    }

    /** Reads {@code a="x",b="y"}; returns the index after the closing brace. Values may hold escaped characters. */
    private static int labels(String line, int at, Map<String, String> labels) {
        int i = at;
        while (line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            String key = line.substring(i, equals);
            StringBuilder value = new StringBuilder();
            i = equals + 2; // past ="
            while (line.charAt(i) != '"') {
                char c = line.charAt(i++);
                if (c == '\\') {
                    char escaped = line.charAt(i++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i++; // past the closing quote
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }
}
