package io.temporalcdc.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The values the workload generator writes: namespaces, workflow types, task queues, memos in both
 * encodings and search attributes with every one of the seed's six {@code Custom*} attributes.
 */
final class WorkloadData {

    /** Three namespaces, as Temporal stores them: uuids in a CHAR(64) column. */
    static final List<String> NAMESPACES = List.of(
            "3f1c2a4e-7b7d-4f5e-9a51-0c4f3d1e2b61",
            "8d0e6b2c-1a3f-4c8d-b7e2-5f9a0c6d4e72",
            "c2b7e9f1-5d4a-4e3b-8c1f-7a6d2e0b9f83");

    static final List<String> WORKFLOW_TYPES = List.of("OrderFulfillment", "PaymentProcessing", "UserOnboarding");

    static final List<String> TASK_QUEUES = List.of("orders", "payments", "onboarding");

    private static final List<String> WORDS =
            List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet");

    private WorkloadData() {}

    static ThreadLocalRandom random() {
        return ThreadLocalRandom.current();
    }

    static <T> T pick(List<T> values) {
        return values.get(random().nextInt(values.size()));
    }

    static String newRunId() {
        return UUID.randomUUID().toString();
    }

    static byte[] blob(int size) {
        byte[] bytes = new byte[size];
        random().nextBytes(bytes);
        return bytes;
    }

    /** A memo: JSON ("json/plain"), binary ("proto3") or none (both columns NULL). */
    static Memo memo(String workflowId) {
        int choice = random().nextInt(10);
        if (choice < 4) {
            return new Memo(jsonMemo(workflowId, 2).getBytes(StandardCharsets.UTF_8), "json/plain");
        }
        if (choice < 8) {
            return new Memo(blob(16 + random().nextInt(200)), "proto3");
        }
        return new Memo(null, null);
    }

    /** A JSON memo object; {@code notesRepeat} controls its size (the notes field repeats a sentence). */
    static String jsonMemo(String workflowId, int notesRepeat) {
        String notes = "Customer asked for a gift wrap and a delivery before noon. ".repeat(notesRepeat);
        return String.format(
                Locale.ROOT,
                "{\"customer\":\"cust-%d\",\"workflow\":\"%s\",\"priority\":%d,\"express\":%b,\"notes\":\"%s\"}",
                random().nextInt(100_000),
                workflowId,
                random().nextInt(5),
                random().nextBoolean(),
                notes.trim());
    }

    /** Search attributes with all six Custom* attributes, or null (column NULL) now and then. */
    static String searchAttributes(int version) {
        if (random().nextInt(10) == 0) {
            return null;
        }
        return searchAttributesJson(version);
    }

    static String searchAttributesJson(int version) {
        Instant when = Instant.now()
                .minus(random().nextInt(86_400), ChronoUnit.SECONDS)
                .truncatedTo(ChronoUnit.MILLIS);
        double amount = Math.round(random().nextDouble(0, 10_000) * 100) / 100.0;
        return String.format(
                Locale.ROOT,
                "{\"CustomKeywordField\":\"%s-%d\",\"CustomIntField\":%d,\"CustomDoubleField\":%s,"
                        + "\"CustomBoolField\":%b,\"CustomDatetimeField\":\"%s\",\"CustomStringField\":\"%s %s v%d\"}",
                pick(WORDS),
                random().nextInt(1000),
                random().nextInt(-1_000_000, 1_000_000),
                amount,
                random().nextBoolean(),
                when,
                pick(WORDS),
                pick(WORDS),
                version);
    }

    /** A memo value and its encoding column; both null when the workflow has no memo. */
    record Memo(byte[] data, String encoding) {}
}
