package dev.evloop.bench;

import java.util.List;
import java.util.Locale;

/**
 * The HTTP comparison's part of the {@link Report}: how its figures were made, per connection count
 * the requests per second and server CPU per request of the HttpServer example and of raw Netty on
 * each backend, their latencies at a fixed offered load, and the example's tail-latency target rows.
 */
final class HttpReport {
    private HttpReport() {
    }

    /** The example's name in the tables; raw Netty's server is {@code netty}. */
    static String name(EchoProcesses.Server server) {
        return server.style() == EchoServer.Style.NETTY ? "netty" : "HttpServer";
    }

    /** Appends how the HTTP figures were made, then each connection count's tables. */
    static void section(StringBuilder md, EchoComparison.Results http) {
        EchoComparison.Profile p = http.profile();
        md.append("\n## HTTP example, measured from outside\n\n")
                .append("- `HttpServer` is the HttpServer example of loop-examples (evloop, protocol style, its own")
                .append(" parser, its timeouts at an hour as connections wait for their turn) on each backend; `netty` is raw Netty's HTTP/1.1 server on the same backend (one event")
                .append(" loop, `HttpServerCodec`), answering `GET /` alike: `200 OK`, `Date`, `Content-Type`,")
                .append(" `Content-Length` and the same ").append(HttpExchange.BODY.length).append("-byte body, responses")
                .append(" of one read flushed together. Each runs in a JVM of its own as the echo servers do; one load")
                .append(" client (one thread, the JDK's NIO) sends `GET /` on kept-alive HTTP/1.1 connections and reads")
                .append(" every response by its status line and `Content-Length` (RFC 9112), checking the status (200)")
                .append(" and every body byte. ").append(http.pinning()).append(".\n")
                .append("- **Requests per second**: a closed loop, one request outstanding per connection. **CPU per")
                .append(" request**: the server process's user and system time per request.\n")
                .append("- **Latency**: an open loop at half the closed-loop requests per second of the slowest server,")
                .append(" the same for both; request k is due at start + k / rate, pipelined behind any request its")
                .append(" connection still waits for, and its latency runs from that intended send time to the last")
                .append(" byte of its response (no coordinated omission). ").append(p.slice().toMillis())
                .append(" ms slices in turns; ").append(p.warmUpRounds()).append(" unmeasured and ").append(p.rounds())
                .append(" measured closed-loop rounds, ").append(p.latencyRounds())
                .append(" measured open-loop rounds after one unmeasured; spreads are over rounds.\n");
        for (EchoComparison.ShapeResult shape : http.shapes()) {
            shape(md, shape);
        }
    }

    private static void shape(StringBuilder md, EchoComparison.ShapeResult shape) {
        int connections = shape.shape().connections();
        md.append("\n### HTTP, ").append(connections).append(connections == 1 ? " connection" : " connections")
                .append("\n\n");
        double busiest = shape.figures().stream().mapToDouble(EchoProcesses.Figures::clientBusiest).max().orElse(0);
        md.append(String.format(Locale.ROOT, "The load client used up to %.0f%% of a CPU.", busiest * 100));
        if (busiest >= Report.CLIENT_BOUND) {
            md.append(" It may have set the pace here: compare the servers by CPU per request.");
        }
        md.append("\n\n| backend | HttpServer requests/s | netty requests/s | HttpServer / netty | HttpServer CPU us/request"
                + " | netty CPU us/request | HttpServer vs netty by CPU |\n|---|---|---|---|---|---|---|\n");
        for (String backend : shape.figures().stream().map(f -> f.server().backend()).distinct().toList()) {
            EchoProcesses.Figures example = Report.find(shape.figures(), backend, EchoServer.Style.PROTOCOL);
            EchoProcesses.Figures netty = Report.find(shape.figures(), backend, EchoServer.Style.NETTY);
            md.append("| ").append(backend)
                    .append(" | ").append(example == null ? "-" : Report.rate(example.roundTrips(), example.roundTripsSpread()))
                    .append(" | ").append(netty == null ? "-" : Report.rate(netty.roundTrips(), netty.roundTripsSpread()))
                    .append(" | ").append(ratio(example, netty, false))
                    .append(" | ").append(example == null ? "-" : Report.withSpread(example.cpu(), example.cpuSpread(), 2))
                    .append(" | ").append(netty == null ? "-" : Report.withSpread(netty.cpu(), netty.cpuSpread(), 2))
                    .append(" | ").append(ratio(example, netty, true)).append(" |\n");
        }
        if (!shape.latency().isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nLatency at %s requests/s offered (open loop, from each request's"
                    + " intended send time). Answered/s below the offered rate: the server fell behind.%n%n",
                    Report.number(shape.latency().get(0).rate())));
            md.append("| backend | server | p50 | p99 | p99.9 | answered/s |\n|---|---|---|---|---|---|\n");
            for (EchoProcesses.Latency l : shape.latency()) {
                md.append("| ").append(l.server().backend()).append(" | ").append(name(l.server()));
                for (double p : new double[] {50, 99, 99.9}) {
                    md.append(" | ").append(Report.latency(l.micros(p), l.microsSpread(p)));
                }
                md.append(" | ").append(Report.number(l.achieved())).append(" |\n");
            }
        }
    }

    /** The example's tail-latency target per backend and connection count; raw Netty's latencies are shown, not targeted. */
    static void targets(List<String[]> rows, EchoComparison.Results http) {
        for (EchoComparison.ShapeResult shape : http.shapes()) {
            int connections = shape.shape().connections();
            String on = " (HTTP, " + connections + (connections == 1 ? " connection)" : " connections)");
            for (EchoProcesses.Latency l : shape.latency()) {
                Report.latencyTarget(rows, l, "HttpServer", null, on);
            }
        }
    }

    /** The example against raw Netty, above 1 where the example does better: requests a / b, or CPU b / a. */
    private static String ratio(EchoProcesses.Figures example, EchoProcesses.Figures netty, boolean cpu) {
        if (example == null || netty == null) {
            return "-";
        }
        double[] r = cpu ? Report.ratio(netty.cpu(), netty.cpuSpread(), example.cpu(), example.cpuSpread())
                : Report.ratio(example.roundTrips(), example.roundTripsSpread(), netty.roundTrips(), netty.roundTripsSpread());
        return Report.withSpread(r[0], r[1], 2) + " x";
    }
}
