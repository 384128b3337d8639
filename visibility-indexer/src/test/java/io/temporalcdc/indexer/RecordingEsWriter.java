package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * An {@link EsWriter} that records every call and answers from a script (then {@link WriteOutcome#APPLIED}).
 */
final class RecordingEsWriter implements EsWriter {
    /** One call: {@code index} or {@code delete}, the id, the source (index only) and the version. */
    record Call(String op, String id, ObjectNode source, long version) {}

    private final List<Call> calls = new ArrayList<>();
    private final Deque<Supplier<WriteOutcome>> script = new ArrayDeque<>();

    /** The next call answers {@code outcome}. */
    RecordingEsWriter thenAnswer(WriteOutcome outcome) {
        script.add(() -> outcome);
        return this;
    }

    /** The next call throws {@code failure}. */
    RecordingEsWriter thenThrow(RuntimeException failure) {
        script.add(() -> {
            throw failure;
        });
        return this;
    }

    List<Call> calls() {
        return calls;
    }

    @Override
    public WriteOutcome index(VisibilityDocument document, long version) {
        calls.add(new Call("index", document.id(), document.source().deepCopy(), version));
        return next();
    }

    @Override
    public WriteOutcome delete(String id, long version) {
        calls.add(new Call("delete", id, null, version));
        return next();
    }

    private WriteOutcome next() {
        Supplier<WriteOutcome> answer = script.poll();
        return answer == null ? WriteOutcome.APPLIED : answer.get();
    }
}
