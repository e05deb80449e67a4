package dev.caravan.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code caravan dlq list | show | groups | replay | delete | purge}: the dead-letter API for operators' terminals and
 * scripts. Talks to a running Caravan over HTTP; the exit code says what happened (see {@link #USAGE}).
 * <p>
 * Hand-written rather than picocli: the CLI runs from the packaged application's classpath (bin/caravan), which has
 * Jackson but no command-line library, and its grammar is a dozen options.
 */
public final class CaravanCli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE_ERROR = 2;
    public static final int NOT_FOUND = 3;
    public static final int DENIED = 4;
    public static final int UNREACHABLE = 5;

    static final String USAGE = """
            usage: caravan dlq <command> [options]
              list                                  every DLQ: depth and oldest failure
              show <dlq> [<id>]                     a page of dead letters, or one in full
                   [--limit n] [--offset n] [--route id] [--exception class] [--from t] [--to t] [--text s]
              groups [<dlq>]                        failures grouped by cause
              replay <dlq> --all | --ids id,id | --group key | (--route/--exception/--from/--to/--text)
                   [--destination queue] [--delay 10m | --at 2026-11-21T22:00:00Z] [--batch n]
              delete <dlq> <id>                     delete one dead letter
              purge <dlq> [--yes]                   delete every dead letter (asks unless --yes)
            options: --url (CARAVAN_URL, default http://127.0.0.1:8080), --user (CARAVAN_USER, default operator),
                     password from CARAVAN_PASSWORD, --json prints the API's JSON
            exit codes: 0 done, 1 failed (server error or replay stopped), 2 usage or bad request (400),
                        3 not found (404), 4 login refused (401/403), 5 Caravan unreachable""";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BufferedReader stdin;

    private String url;
    private String authorization;
    private boolean raw;

    CaravanCli(PrintStream out, PrintStream err, Map<String, String> env, BufferedReader stdin) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        int code = new CaravanCli(System.out, System.err, System.getenv(),
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))).run(args);
        System.exit(code);
    }

    /** Runs one command; returns the exit code. */
    public int run(String[] arguments) {
        Args args;
        try {
            args = Args.parse(arguments);
        } catch (IllegalArgumentException e) {
            err.println("caravan: " + e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
        if (args.positional.isEmpty() || !"dlq".equals(args.positional.get(0)) || args.positional.size() < 2) {
            err.println(USAGE);
            return args.flags.containsKey("help") ? OK : USAGE_ERROR;
        }
        url = args.option("url", env.getOrDefault("CARAVAN_URL", "http://127.0.0.1:8080")).replaceAll("/+$", "");
        String user = args.option("user", env.getOrDefault("CARAVAN_USER", "operator"));
        String password = env.getOrDefault("CARAVAN_PASSWORD", user);
        authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        raw = args.flags.containsKey("json");
        try {
            return switch (args.positional.get(1)) {
                case "list" -> list();
                case "show" -> show(args);
                case "groups" -> groups(args);
                case "replay" -> replay(args);
                case "delete" -> delete(args);
                case "purge" -> purge(args);
                default -> usage("unknown command " + args.positional.get(1));
            };
        } catch (ApiError e) {
            err.println("caravan: " + e.getMessage());
            return e.exitCode;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (ConnectException e) {
            err.println("caravan: cannot reach Caravan at " + url + " (" + e.getMessage() + ")");
            return UNREACHABLE;
        } catch (IOException e) {
            err.println("caravan: " + url + ": " + e);
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    private int usage(String message) {
        err.println("caravan: " + message);
        err.println(USAGE);
        return USAGE_ERROR;
    }

    private int list() throws IOException, InterruptedException {
        JsonNode dlqs = call("GET", "/api/dlq", null);
        if (raw) {
            return print(dlqs);
        }
        out.printf("%-40s %-34s %8s  %s%n", "DLQ", "QUEUE", "COUNT", "OLDEST FAILURE");
        for (JsonNode dlq : dlqs) {
            out.printf("%-40s %-34s %8d  %s%n", dlq.path("name").asText(), dlq.path("originalQueue").asText(),
                    dlq.path("count").asLong(), dlq.path("oldestFailedAt").asText("-"));
        }
        return OK;
    }

    private int show(Args args) throws IOException, InterruptedException {
        String dlq = args.required(2, "dlq");
        if (args.positional.size() > 3) {
            return print(call("GET", "/api/dlq/" + path(dlq) + "/messages/" + path(args.positional.get(3)), null));
        }
        StringBuilder query = new StringBuilder("?limit=").append(args.option("limit", "20"))
                .append("&offset=").append(args.option("offset", "0"));
        filterQuery(args).forEach((k, v) -> query.append('&').append(k).append('=').append(encode(v)));
        JsonNode page = call("GET", "/api/dlq/" + path(dlq) + "/messages" + query, null);
        if (raw) {
            return print(page);
        }
        for (JsonNode letter : page) {
            String body = letter.path("body").asText("");
            out.printf("%s  %s  %s  %s: %s%n    %s%n", letter.path("id").asText(), letter.path("failedAt").asText(),
                    letter.path("routeId").asText("-"), letter.path("exception").asText("-"),
                    oneLine(letter.path("exceptionMessage").asText(""), 120), oneLine(body, 120));
        }
        return OK;
    }

    private int groups(Args args) throws IOException, InterruptedException {
        String path = args.positional.size() > 2
                ? "/api/dlq/" + path(args.positional.get(2)) + "/groups"
                : "/api/dlq/groups";
        JsonNode groups = call("GET", path, null);
        if (raw) {
            return print(groups);
        }
        out.printf("%-16s %6s  %-30s %-24s %s%n", "GROUP", "COUNT", "DLQ", "ROUTE", "EXCEPTION: PATTERN");
        for (JsonNode group : groups) {
            out.printf("%-16s %6d  %-30s %-24s %s: %s%n", group.path("key").asText(), group.path("count").asLong(),
                    group.path("dlq").asText(), group.path("routeId").asText("-"), group.path("exception").asText(),
                    oneLine(group.path("messagePattern").asText(), 100));
        }
        return OK;
    }

    /**
     * Replays by ids or group in one request; everything else in batches of {@code --batch}, each its own request, with a
     * progress bar on stderr, until nothing more is replayed. An interrupted replay has moved whole batches only.
     */
    private int replay(Args args) throws IOException, InterruptedException {
        String dlq = args.required(2, "dlq");
        ObjectNode request = json.createObjectNode();
        Map<String, String> filter = filterQuery(args);
        int selections = (args.flags.containsKey("all") ? 1 : 0) + (args.options.containsKey("ids") ? 1 : 0)
                + (args.options.containsKey("group") ? 1 : 0) + (filter.isEmpty() ? 0 : 1);
        if (selections != 1) {
            throw new IllegalArgumentException("replay needs exactly one of --all, --ids, --group or filter options");
        }
        if (args.options.containsKey("ids")) {
            var ids = request.putArray("ids");
            for (String id : args.options.get("ids").split(",")) {
                ids.add(id.trim());
            }
        } else if (args.options.containsKey("group")) {
            request.put("group", args.options.get("group"));
        } else if (args.flags.containsKey("all")) {
            request.put("all", true);
        } else {
            ObjectNode f = request.putObject("filter");
            filter.forEach(f::put);
        }
        for (String option : List.of("destination", "delay", "at")) {
            if (args.options.containsKey(option)) {
                request.put(option, args.options.get(option));
            }
        }
        String path = "/api/dlq/" + path(dlq) + "/replay";
        if (request.has("ids") || request.has("group")) {
            return report(call("POST", path, request));
        }
        long batch = Long.parseLong(args.option("batch", "500"));
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be positive");
        }
        request.put("limit", batch);
        long total = depth(dlq);
        long replayed = 0;
        long skipped = 0;
        long started = System.nanoTime();
        JsonNode last;
        do {
            last = call("POST", path, request);
            replayed += last.path("replayed").asLong();
            skipped = last.path("skipped").asLong();
            progress(replayed, total, started);
        } while (last.path("replayed").asLong() > 0);
        err.println();
        ObjectNode result = json.createObjectNode().put("replayed", replayed).put("skipped", skipped);
        if (last.hasNonNull("scheduledFor")) {
            result.put("scheduledFor", last.get("scheduledFor").asText());
        }
        return report(result);
    }

    private int report(JsonNode result) throws IOException {
        if (raw) {
            return print(result);
        }
        out.printf("replayed %d", result.path("replayed").asLong());
        if (result.path("skipped").asLong() > 0) {
            out.printf(", skipped %d (replayed too often already: fix the cause, then delete or move them)",
                    result.path("skipped").asLong());
        }
        if (result.hasNonNull("scheduledFor")) {
            out.printf(", delivered at %s", result.get("scheduledFor").asText());
        }
        out.println();
        return OK;
    }

    private void progress(long done, long total, long startedNanos) {
        double seconds = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        long width = 30;
        long filled = total <= 0 ? width : Math.min(width, done * width / total);
        err.printf("\r[%s%s] %d/%d  %.0f msg/s", "#".repeat((int) filled), ".".repeat((int) (width - filled)), done,
                Math.max(total, done), done / seconds);
        err.flush();
    }

    private int delete(Args args) throws IOException, InterruptedException {
        String dlq = args.required(2, "dlq");
        String id = args.required(3, "id");
        JsonNode result = call("DELETE", "/api/dlq/" + path(dlq) + "/messages/" + path(id), null);
        return raw ? print(result) : printLine("deleted " + result.path("deleted").asLong());
    }

    private int purge(Args args) throws IOException, InterruptedException {
        String dlq = args.required(2, "dlq");
        if (!args.flags.containsKey("yes")) {
            long depth = depth(dlq);
            err.printf("Purge deletes all %d dead letters of %s for good. Type the DLQ name to confirm: ", depth, dlq);
            err.flush();
            String answer = stdin == null ? null : stdin.readLine();
            if (answer == null || !answer.trim().equals(dlq)) {
                err.println("caravan: not confirmed, nothing deleted (use --yes in scripts)");
                return USAGE_ERROR;
            }
        }
        JsonNode result = call("DELETE", "/api/dlq/" + path(dlq) + "/messages", null);
        return raw ? print(result) : printLine("purged " + result.path("deleted").asLong());
    }

    private long depth(String dlq) throws IOException, InterruptedException {
        for (JsonNode summary : call("GET", "/api/dlq", null)) {
            if (dlq.equals(summary.path("name").asText())) {
                return summary.path("count").asLong();
            }
        }
        throw new ApiError("no dead-letter queue " + dlq, NOT_FOUND);
    }

    private static Map<String, String> filterQuery(Args args) {
        Map<String, String> filter = new LinkedHashMap<>();
        for (String name : List.of("route", "exception", "from", "to", "text")) {
            if (args.options.containsKey(name)) {
                filter.put(name, args.options.get(name));
            }
        }
        return filter;
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", authorization).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
        }
        String message = status + " " + errorText(response.body());
        throw new ApiError(message, switch (status) {
            case 400, 405, 413, 415 -> USAGE_ERROR;
            case 404 -> NOT_FOUND;
            case 401, 403 -> DENIED;
            default -> FAILED;
        });
    }

    private String errorText(String body) {
        try {
            JsonNode error = json.readTree(body);
            return error.hasNonNull("error") ? error.get("error").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private int print(JsonNode node) throws IOException {
        out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        return OK;
    }

    private int printLine(String line) {
        out.println(line);
        return OK;
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max) + "…";
    }

    /** An API answer other than 2xx, with the exit code it maps to. */
    static final class ApiError extends RuntimeException {
        final int exitCode;

        ApiError(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** Positional words, {@code --name value} options and {@code --flag} switches. */
    static final class Args {
        private static final List<String> FLAGS = List.of("all", "yes", "json", "help");
        final List<String> positional = new ArrayList<>();
        final Map<String, String> options = new LinkedHashMap<>();
        final Map<String, Boolean> flags = new LinkedHashMap<>();

        static Args parse(String[] arguments) {
            Args args = new Args();
            for (int i = 0; i < arguments.length; i++) {
                String a = arguments[i];
                if (a.startsWith("--")) {
                    String name = a.substring(2);
                    int eq = name.indexOf('=');
                    if (eq > 0) {
                        args.options.put(name.substring(0, eq), name.substring(eq + 1));
                    } else if (FLAGS.contains(name)) {
                        args.flags.put(name, true);
                    } else if (i + 1 < arguments.length) {
                        args.options.put(name, arguments[++i]);
                    } else {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                } else {
                    args.positional.add(a);
                }
            }
            return args;
        }

        String option(String name, String fallback) {
            return options.getOrDefault(name, fallback);
        }

        String required(int index, String what) {
            if (positional.size() <= index) {
                throw new IllegalArgumentException("missing <" + what + ">");
            }
            return positional.get(index);
        }
    }
}
