package dev.caravan.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Dead letters grouped by cause: the same route, exception class and exception message once the parts that differ
 * per message (ids, numbers, quoted values) are masked. One group is usually one bug or one outage.
 */
public final class FailureGroups {

    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final Pattern HEX_ID = Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{12,}\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    private static final int PATTERN_LENGTH = 300;

    /** A cause and the dead letters it explains. */
    public record Group(String key, String dlq, String routeId, String exception, String messagePattern, int count,
            Instant oldestFailedAt, Instant newestFailedAt, String sampleId) {
    }

    private FailureGroups() {
    }

    /** Groups {@code letters}, largest group first. */
    public static List<Group> of(List<DeadLetter> letters) {
        Map<String, List<DeadLetter>> byKey = new LinkedHashMap<>();
        for (DeadLetter letter : letters) {
            byKey.computeIfAbsent(key(letter), k -> new ArrayList<>()).add(letter);
        }
        List<Group> groups = new ArrayList<>();
        byKey.forEach((key, members) -> {
            DeadLetter first = members.get(0);
            groups.add(new Group(key, first.dlq(), first.routeId(), first.exception(),
                    pattern(first.exceptionMessage()), members.size(),
                    members.stream().map(DeadLetter::failedAt).min(Comparator.naturalOrder()).orElse(null),
                    members.stream().map(DeadLetter::failedAt).max(Comparator.naturalOrder()).orElse(null),
                    first.id()));
        });
        groups.sort(Comparator.comparingInt(Group::count).reversed());
        return groups;
    }

    /** The group a dead letter belongs to: a short stable hash of DLQ, route, exception class and message pattern. */
    public static String key(DeadLetter letter) {
        String cause = letter.dlq() + "\n" + letter.routeId() + "\n" + letter.exception() + "\n"
                + pattern(letter.exceptionMessage());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(cause.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The exception message with its per-message parts masked. */
    static String pattern(String message) {
        if (message == null) {
            return "";
        }
        String masked = UUID.matcher(message).replaceAll("<id>");
        masked = QUOTED.matcher(masked).replaceAll("<value>");
        masked = HEX_ID.matcher(masked).replaceAll("<id>");
        masked = NUMBER.matcher(masked).replaceAll("<n>");
        return masked.length() <= PATTERN_LENGTH ? masked : masked.substring(0, PATTERN_LENGTH) + "…";
    }
}
