package io.temporalcdc.testsupport;

/** The main class of the jar {@link JavaAppIT} runs: {@code exit N} or {@code sleep}. */
public final class SleeperMain {

    private SleeperMain() {}

    /** Entry point. */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("greeting " + System.getenv().getOrDefault("SLEEPER_GREETING", "none"));
        if (args[0].equals("exit")) {
            System.out.println("exiting " + args[1]);
            System.exit(Integer.parseInt(args[1]));
        }
        System.out.println("sleeping");
        Thread.sleep(600_000);
    }
}
