package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a deployable, in one call from its {@code main}: load and validate the configuration
 * (every problem logged, then exit 2), start the app (a {@link PreflightException} is logged as the
 * last line, naming its setting, then exit 1), serve {@code /health} and {@code /metrics}, and on
 * SIGTERM or SIGINT close the app and exit 0; {@link AppContext#fail} closes it and exits 1.
 */
public final class App implements AppContext {
    /** Port of the HTTP endpoints. */
    public static final String HTTP_PORT = "http.port";
    /** Bind address of the HTTP endpoints. */
    public static final String HTTP_HOST = "http.host";
    /** Log lines as text or JSON ({@code APP_LOG_FORMAT} in the environment). */
    public static final String LOG_FORMAT = "log.format";

    private static final Logger LOG = LoggerFactory.getLogger(App.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String appName;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> status = new AtomicReference<>("STARTING");
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicReference<String> notReadyReason = new AtomicReference<>();
    private volatile HttpEndpoints http;

    /** Starts the app and returns what it should run until the process stops. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception;
    }

    private App(String appName) {
        this.appName = appName;
    }

    /** An instance whose {@link #execute} returns the exit code instead of exiting: for tests. */
    static App forTest(String appName) {
        return new App(appName);
    }

    /** Runs the app until it is stopped, then exits the JVM with 0 (stopped), 1 (failed) or 2 (bad configuration). */
    public static void run(String appName, String[] args, ConfigDef appDef, int defaultHttpPort, Starter starter) {
        int code;
        try {
            code = new App(appName).execute(args, appDef, defaultHttpPort, starter);
        } catch (Throwable e) {
            LOG.error("{} failed: {}", appName, e.toString(), e);
            code = 1;
        }
        System.exit(code);
    }

    int execute(String[] args, ConfigDef appDef, int defaultHttpPort, Starter starter) {
        ConfigDef def = ConfigValidation.withCommonKeys(appDef, defaultHttpPort);
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage(def));
            return 0;
        }
        String unknownFormat = Logging.refuseUnknownVariable();
        if (unknownFormat != null) {
            LOG.error(
                    "Invalid configuration: APP_LOG_FORMAT={} is neither text nor json (log lines on stdout: text, or"
                            + " json for one JSON object per line)",
                    unknownFormat);
            return 2;
        }
        Map<String, String> settings;
        try {
            settings = ConfigSources.load(args, System.getenv());
            ConfigValidation.validateAll(def, settings);
        } catch (InvalidConfigException e) {
            e.problems().forEach(problem -> LOG.error("Invalid configuration: {}", problem));
            return 2;
        }
        Map<String, Object> common = def.parse(settings);
        Logging.format((String) common.get(LOG_FORMAT));
        bindJvmMetrics();
        try (HttpEndpoints http = startHttp((String) common.get(HTTP_HOST), (Integer) common.get(HTTP_PORT))) {
            if (http == null) {
                return 1;
            }
            this.http = http;
            return runUntilStopped(settings, starter);
        }
    }

    private int runUntilStopped(Map<String, String> settings, Starter starter) {
        Signals.onTermination(() -> requestStop("signal"));
        AutoCloseable app;
        try {
            app = starter.start(settings, this);
        } catch (PreflightException e) {
            LOG.error("{}: {}", e.setting(), e.getMessage());
            return 1;
        } catch (Exception | LinkageError e) {
            // LinkageError too: a jar replaced under a running JVM must not leave a process that never exits
            LOG.error("{} failed to start", appName, e);
            LOG.error("{} failed to start: {}", appName, Preflight.rootMessage(e));
            return 1;
        }
        LOG.info("{} started; /health and /metrics on port {}", appName, http.port());
        awaitStop();
        status.set("STOPPING");
        closeWithin(app, CLOSE_TIMEOUT);
        String failed = failure.get();
        if (failed != null) {
            LOG.error("{} stopped after a failure: {}", appName, failed);
            return 1;
        }
        LOG.info("{} stopped", appName);
        return 0;
    }

    private HttpEndpoints startHttp(String host, int port) {
        try {
            return new HttpEndpoints(
                    host,
                    port,
                    status::get,
                    this::reason,
                    () -> failure.get() == null && !"STOPPING".equals(status.get()),
                    registry);
        } catch (IOException e) {
            LOG.error("{}: cannot serve /health and /metrics on {}:{} ({})", HTTP_PORT, host, port, e.toString());
            return null;
        }
    }

    private void awaitStop() {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeWithin(AutoCloseable app, Duration timeout) {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(timeout.toMillis());
                        LOG.error("{} did not close within {} s; halting", appName, timeout.toSeconds());
                        Runtime.getRuntime().halt(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "close-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            app.close();
        } catch (Exception e) {
            LOG.warn("{}: error while closing", appName, e);
        } finally {
            watchdog.interrupt();
        }
    }

    private void requestStop(String why) {
        LOG.info("{}: stop requested ({})", appName, why);
        stop.countDown();
    }

    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // what /health/ready answers, for alerting: <app>_ready 1 or 0
        io.micrometer.core.instrument.Gauge.builder(
                        appName.replace('-', '.') + ".ready", () -> "UP".equals(status.get()) ? 1 : 0)
                .description("1 while /health/ready answers 200, else 0")
                .register(registry);
    }

    private String usage(ConfigDef def) {
        return "Usage: java -jar " + appName + ".jar [--config FILE] [key=value ...]\n"
                + "Each key may also come from the environment: APP_FOO_BAR sets foo.bar.\n\n" + def.toRst();
    }

    @Override
    public String appName() {
        return appName;
    }

    @Override
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private String reason() {
        String failed = failure.get();
        return failed != null ? failed : notReadyReason.get();
    }

    @Override
    public void ready(boolean ready, String reason) {
        notReadyReason.set(ready ? null : reason);
        ready(ready);
    }

    @Override
    public void ready(boolean ready) {
        status.updateAndGet(current -> switch (current) {
            case "STOPPING" -> current;
            case "STARTING" -> ready ? "UP" : "STARTING";
            default -> ready ? "UP" : "DOWN";
        });
    }

    @Override
    public void fail(String reason, Throwable cause) {
        if (failure.compareAndSet(null, reason)) {
            LOG.error("{} failed: {}", appName, reason, cause);
            status.set("DOWN");
        }
        stop.countDown();
    }

    @Override
    public int httpPort() {
        return http.port();
    }

    @Override
    public void route(String path, HttpHandler handler) {
        http.route(path, handler);
    }
}
