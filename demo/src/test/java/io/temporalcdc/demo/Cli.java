package io.temporalcdc.demo;

import io.temporalcdc.cli.TemporalCdc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the temporal-cdc tool in this JVM and captures what it prints. */
final class Cli {
    /** Exit code, stdout and stderr of one run. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private Cli() {}

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(new Tee(captured, out), true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(new Tee(capturedErr, err), true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int exit = TemporalCdc.execute(args);
            o.flush();
            e.flush();
            return new Run(
                    exit, captured.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Keeps a copy and still shows the tool's output in the test log. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream copy;
        private final java.io.OutputStream through;

        Tee(java.io.OutputStream copy, java.io.OutputStream through) {
            this.copy = copy;
            this.through = through;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            copy.write(b);
            through.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            copy.write(b, off, len);
            through.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            through.flush();
        }
    }
}
