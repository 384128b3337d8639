package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one local stack until SIGTERM, for a whole test run: {@code bin/test} starts it, hands its
 * endpoints file to every test JVM through {@value LocalStack#ATTACH_ENV}, and stops it at the end.
 *
 * <p>Usage: {@code StackMain <endpoints-file> [<base-dir>]}. Prints the backend first ({@code stack backend:
 * processes|containers (why)}, {@link StackBackend}), then {@code STACK READY <run dir>} on standard error once the
 * endpoints file is written.
 */
public final class StackMain {
    private StackMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: StackMain <endpoints-file> [<base-dir>]");
            System.exit(2);
        }
        StackOptions options =
                args.length == 2 ? StackOptions.defaults().withBaseDir(Path.of(args[1])) : StackOptions.defaults();
        LocalStack stack;
        try {
            StackBackend.Choice backend = StackBackend.choose();
            System.err.println(backend.line());
            stack = LocalStack.start(options, backend);
        } catch (RuntimeException e) {
            System.err.println("STACK FAILED " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "stack-stop"));
        stack.writeEndpoints(Path.of(args[0]));
        System.err.println("STACK READY " + stack.runDir() + " " + stack.endpointsJson() + " schema registry "
                + stack.schemaRegistry().url());
        stopped.await();
    }
}
