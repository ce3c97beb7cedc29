package dev.meshroute.reference.cli;

import dev.meshroute.reference.check.CheckInputException;
import dev.meshroute.reference.check.CheckResult;
import dev.meshroute.reference.check.RouteCheck;
import dev.meshroute.reference.coverage.CoverageReport;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.config.DirectoryLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ConfigWatcher;
import dev.meshroute.reference.mesh.ReferenceMesh;
import dev.meshroute.reference.model.Diagnostic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The reference mesh's command line: {@code serve} runs it, {@code validate} checks a config directory, {@code check}
 * answers test requests offline, {@code adapter} serves the meshroute adapter protocol (docs/ADAPTER.md).
 */
@Command(name = "meshroute-reference", mixinStandardHelpOptions = true, version = "meshroute reference 0.1.0",
        subcommands = {Main.Serve.class, Main.Validate.class, Main.Check.class, Main.Adapter.class},
        description = "Istio in miniature: a control plane, a sidecar proxy and echo pods, configured by Istio YAML.")
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        dev.meshroute.reference.dataplane.LeakDetection.offUnlessAsked();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command and returns its exit code; every failure is one line on {@code err}, never a stack trace. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            err.println("meshroute: " + (e.getMessage() != null ? e.getMessage() : cause.toString()));
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "validate", description = "Print every validation error and analysis message (code, resource,"
            + " file, line) for the YAML files in DIR; exit 1 if any is an error.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "directory of Istio and Kubernetes YAML files")
        Path dir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ConfigStore.Outcome outcome = new ConfigStore().apply(ConfigLoader.loadDirectory(dir));
            outcome.diagnostics().forEach(out::println);
            long errors = outcome.diagnostics().stream().filter(Diagnostic::isError).count();
            long others = outcome.diagnostics().size() - errors;
            var config = outcome.config();
            out.printf("%d accepted resources (%d VirtualService, %d DestinationRule, %d Service, %d workload);"
                            + " %d errors, %d warnings/info%n",
                    config.virtualServices().size() + config.destinationRules().size() + config.services().size()
                            + config.workloads().size(),
                    config.virtualServices().size(), config.destinationRules().size(), config.services().size(),
                    config.workloads().size(), errors, others);
            return errors > 0 ? 1 : 0;
        }
    }

    @Command(name = "check", description = "Answer test requests with the reference proxy's route table, without"
            + " starting any server: --config DIR with a meshroute test file, or --envoy-routes FILE with an Envoy"
            + " router_check_tool test file. One PASS/FAIL line per test; exit 0 when all pass, 1 when any fails,"
            + " 2 on bad input.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "DIR", description = "directory of Istio and Kubernetes YAML files")
        Path config;

        @Option(names = "--envoy-routes", paramLabel = "FILE",
                description = "an Envoy v3 RouteConfiguration (JSON or YAML), as router_check_tool takes it")
        Path envoyRoutes;

        @Option(names = "--tests", required = true, paramLabel = "FILE",
                description = "the test file (meshroute format with --config, router_check_tool's with"
                        + " --envoy-routes)")
        Path tests;

        @Option(names = "--coverage", description = "also report route coverage: which VirtualService rules, match"
                + " entries and destinations the tests exercised, and list those they never did (--config only)")
        boolean coverage;

        @Option(names = "--fail-under", paramLabel = "PERCENT", description = "with --coverage (implied): exit 1"
                + " when route coverage is below PERCENT (0-100), as router_check_tool's --fail-under")
        String failUnder;

        @Option(names = "--coverage-json", paramLabel = "FILE", description = "with --coverage (implied): also"
                + " write the coverage report as JSON to FILE")
        Path coverageJson;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if ((config == null) == (envoyRoutes == null)) {
                err.println("meshroute: check needs exactly one of --config DIR and --envoy-routes FILE");
                return 2;
            }
            boolean withCoverage = coverage || failUnder != null || coverageJson != null;
            if (withCoverage && config == null) {
                err.println("meshroute: --coverage counts VirtualService rules, match entries and destinations;"
                        + " it needs --config DIR, not --envoy-routes");
                return 2;
            }
            Double threshold = null;
            if (failUnder != null) {
                try {
                    threshold = CoverageReport.parseThreshold(failUnder, "--fail-under");
                } catch (IllegalArgumentException e) {
                    err.println("meshroute: " + e.getMessage());
                    return 2;
                }
            }
            List<CheckResult> results;
            CoverageReport report = null;
            try {
                if (withCoverage) {
                    RouteCheck.Covered covered = RouteCheck.istioWithCoverage(config, tests);
                    results = covered.results();
                    report = covered.coverage();
                } else {
                    results = config != null ? RouteCheck.istio(config, tests) : RouteCheck.envoy(envoyRoutes, tests);
                }
            } catch (CheckInputException e) {
                err.println("meshroute: " + e.getMessage());
                return 2;
            }
            results.forEach(r -> out.println(r.line()));
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.printf("%d tests: %d passed, %d failed%n", results.size(), results.size() - failed, failed);
            if (report == null) {
                return failed > 0 ? 1 : 0;
            }
            out.println(report.summaryLine());
            report.uncovered().forEach(e -> out.println("  never exercised: " + e.kind() + " " + e));
            if (coverageJson != null) {
                try {
                    java.nio.file.Files.writeString(coverageJson, report.toJson());
                } catch (IOException e) {
                    err.println("meshroute: cannot write " + coverageJson + ": " + e.getMessage());
                    return 2;
                }
            }
            if (threshold != null && report.belowThreshold(threshold).isPresent()) {
                err.println("meshroute: " + report.belowThreshold(threshold).get());
                return 1;
            }
            return failed > 0 ? 1 : 0;
        }
    }

    @Command(name = "serve", description = "Start the control plane, the pods and the sidecar proxy; reload when a"
            + " file in the config directory changes. Send requests to the proxy port with the service's Host.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "DIR", description = "directory of YAML files")
        Path dir;

        @Option(names = "--port", defaultValue = "15001", description = "the proxy's port (default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--xds-port", defaultValue = "15010",
                description = "the control plane's ADS port (default ${DEFAULT-VALUE}; 0: any free port)")
        int xdsPort;

        @Option(names = {"--bind-address", "--bind"}, defaultValue = "127.0.0.1", description = "address the proxy"
                + " and the ingress gateway listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0: every"
                + " interface)")
        String bind;

        @Option(names = "--xds-bind-address", defaultValue = "127.0.0.1", description = "address the control plane"
                + " serves ADS on (default ${DEFAULT-VALUE}; another one lets proxies on other machines or containers"
                + " connect). The pods always listen on 127.0.0.1: only this process's proxies reach them.")
        String xdsBind;

        @Option(names = "--gateway-port", defaultValue = "-1", description = "also run the ingress gateway (the"
                + " proxy Gateways with selector istio: ingressgateway configure; their port-80 servers) on this"
                + " port (0: any free port; default: no ingress gateway)")
        int gatewayPort;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isDirectory(dir)) {
                spec.commandLine().getErr().println("meshroute: " + dir + " is not a directory; pass --config DIR");
                return 2;
            }
            ReferenceMesh mesh = new ReferenceMesh(new InetSocketAddress(bind, port),
                    new InetSocketAddress(xdsBind, xdsPort), RandomSource.THREAD_LOCAL);
            if (gatewayPort >= 0) {
                mesh.startIngressGateway(new InetSocketAddress(bind, gatewayPort), RandomSource.THREAD_LOCAL);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                mesh.close();
                stopped.countDown();
            }));
            loader = new DirectoryLoader(dir);
            // watching starts before the first load, so that no edit in between is missed
            ConfigWatcher watcher = ConfigWatcher.start(dir, () -> {
                out.println("config changed; reloading");
                apply(mesh, out);
            }, 500);
            apply(mesh, out);
            out.printf("meshroute reference mesh: proxy on http://%s:%d, xDS (ADS) on %s:%d, config %s%n",
                    bind, mesh.proxyPort(), xdsBind, mesh.xdsPort(), dir);
            out.printf("try: curl -s -H 'Host: my-app' http://%s:%d/%n", bind, mesh.proxyPort());
            if (gatewayPort >= 0) {
                out.printf("ingress gateway on http://%s:%d (send the Host of a Gateway server)%n", bind,
                        mesh.ingressGatewayPort());
            }
            stopped.await();
            watcher.close();
            return 0;
        }

        /** Re-parses only the files that changed since the last load. */
        private DirectoryLoader loader;

        private void apply(ReferenceMesh mesh, PrintWriter out) {
            ReferenceMesh.Applied applied = mesh.apply(loader.load());
            applied.diagnostics().forEach(out::println);
            out.printf("serving config version %s (%d VirtualService, %d DestinationRule, %d Gateway, %d Service,"
                    + " %d workload)%n", applied.version(), applied.config().virtualServices().size(),
                    applied.config().destinationRules().size(), applied.config().gateways().size(),
                    applied.config().services().size(), applied.config().workloads().size());
            if (!heapAdvised) {
                int routes = applied.config().virtualServices().stream().mapToInt(vs -> vs.http().size()).sum();
                var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                HeapAdvice.forHeap(routes, heap.getInit(), heap.getMax()).ifPresent(advice -> {
                    out.println(advice);
                    heapAdvised = true;
                });
            }
        }

        /** Whether this process has given its heap advice (once is enough). */
        private boolean heapAdvised;
    }

    @Command(name = "adapter", description = "Run the reference mesh behind the meshroute adapter protocol"
            + " (docs/ADAPTER.md): the conformance suite applies each scenario's configuration over HTTP+JSON on"
            + " --port and sends its requests to the sidecar and ingress gateway this command starts.")
    static final class Adapter implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--port", defaultValue = "15080",
                description = "the adapter protocol's port (default ${DEFAULT-VALUE}; 0: any free port)")
        int port;

        @Option(names = {"--bind-address", "--bind"}, defaultValue = "127.0.0.1", description = "address to listen"
                + " on, for the protocol and the proxies (default ${DEFAULT-VALUE}; as serve's --bind-address)")
        String bind;

        @Option(names = "--mutant", defaultValue = "none", description = "serve a catalogued mutant of the"
                + " reference instead (the suite's self-test; default ${DEFAULT-VALUE})")
        String mutant;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            dev.meshroute.reference.mutants.Mutant m;
            try {
                m = dev.meshroute.reference.mutants.Mutant.fromId(mutant);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("meshroute: " + e.getMessage());
                return 2;
            }
            ReferenceMesh mesh = new ReferenceMesh(new InetSocketAddress(bind, 0),
                    new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL,
                    new dev.meshroute.reference.translate.XdsTranslator.Options(
                            dev.meshroute.reference.adapter.AdapterServer.RANDOM_VALUE_HEADER, m));
            dev.meshroute.reference.adapter.AdapterServer server;
            try {
                mesh.startIngressGateway(new InetSocketAddress(bind, 0), RandomSource.THREAD_LOCAL);
                String version = Main.class.getPackage().getImplementationVersion();
                server = new dev.meshroute.reference.adapter.AdapterServer(mesh, new InetSocketAddress(bind, port),
                        bind, m == dev.meshroute.reference.mutants.Mutant.NONE ? "meshroute reference"
                        : "meshroute reference, mutant " + m.id(), version == null ? "0.1.0-SNAPSHOT" : version,
                        dev.meshroute.reference.adapter.ReferenceCapabilities.ALL).start();
            } catch (IllegalStateException e) {
                mesh.close();
                throw e;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                mesh.close();
                stopped.countDown();
            }));
            out.printf("meshroute adapter (%s) on http://%s:%d; sidecar on %s:%d, ingress gateway on %s:%d%n",
                    dev.meshroute.reference.adapter.AdapterServer.PROTOCOL, bind, server.port(), bind,
                    mesh.proxyPort(), bind, mesh.ingressGatewayPort());
            stopped.await();
            return 0;
        }
    }
}
