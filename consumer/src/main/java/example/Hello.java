package example;

import dev.evloop.Async;
import dev.evloop.EventLoops;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.streams.Streams;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The README's smallest complete program: an echo server and a client of it, on one loop. */
public final class Hello {
    private Hello() {
    }

    /**
     * Prints what the server echoed and which backend the loop ran on.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String reply = EventLoops.run(() -> {                      // asyncio.run(main())
            Server server = Async.startServer((reader, writer) -> { // one task per connection
                writer.write(reader.readLine());
                writer.close();
            }, "127.0.0.1", 0, SocketOptions.defaults());
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();

            Streams client = Async.openConnection("127.0.0.1", port, SocketOptions.defaults());
            client.writer().write("hello\n".getBytes(StandardCharsets.UTF_8));
            String line = new String(client.reader().readLine(), StandardCharsets.UTF_8).strip();
            client.writer().close();
            server.close();
            server.waitClosed().await();
            return line + " on " + EventLoops.getRunningLoop().backend();
        });
        System.out.println(reply);                                // hello on epoll
    }
}
