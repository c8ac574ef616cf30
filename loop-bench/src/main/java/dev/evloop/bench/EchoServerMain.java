package dev.evloop.bench;

import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.sync.AsyncEvent;



/**
 * An echo server for outside load generators (uvloop's {@code echoclient.py}, {@code wrk}-style
 * tools, another machine) and for {@link EchoProcesses}, which measures it from outside.
 * It prints the address it listens on and stops cleanly on SIGINT or SIGTERM.
 *
 * <pre>
 * java $FLAGS -cp ... dev.evloop.bench.EchoServerMain epoll protocol 127.0.0.1 25000
 * </pre>
 */
public final class EchoServerMain {
    private EchoServerMain() {
    }

    /**
     * Runs the server until a signal stops it.
     *
     * @param args {@code backend style host port}: style is protocol, buffered, streams, streams-bytes or netty
     */
    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: EchoServerMain <backend> <protocol|buffered|streams|streams-bytes|netty> <host> <port>");
            System.exit(2);
        }
        String backend = args[0];
        EchoServer.Style style = EchoServer.Style.of(args[1]);
        String host = args[2];
        int port = Integer.parseInt(args[3]);
        EventLoops.run(() -> {
            EventLoop loop = EventLoops.getRunningLoop();
            AsyncEvent stop = new AsyncEvent();
            loop.addSignalHandler("INT", stop::set);
            loop.addSignalHandler("TERM", stop::set);
            try (EchoServer server = new EchoServer(backend, style, host, port)) {
                System.out.println("echo (" + style.label() + " on " + backend + ") listening on " + server.address());
                stop.await();
                System.out.println("stopping");
            }
            return null;
        });
    }
}
