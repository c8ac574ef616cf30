package dev.evloop.bench;

import dev.evloop.spi.LoopBackend;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Raw Netty's HTTP/1.1 server, the baseline of the HTTP comparison: one event loop of the
 * backend's own {@code IoHandler}, {@link HttpServerCodec}, kept-alive connections, and for
 * {@code GET /} the HttpServer example's answer: {@code 200 OK} with {@code Date},
 * {@code Content-Type: text/plain; charset=utf-8} and {@code Content-Length}, and
 * {@link HttpExchange#BODY}; any other request 404. Like the example, it answers a request once all
 * of it is read, formats the date per response, and writes every response of one read before it
 * flushes them. It prints the address it listens on; SIGTERM ends it.
 *
 * <pre>
 * java $FLAGS -cp ... dev.evloop.bench.NettyHttpServerMain epoll 127.0.0.1 8080
 * </pre>
 */
public final class NettyHttpServerMain {
    private static final byte[] NOT_FOUND = "Not Found\n".getBytes(StandardCharsets.UTF_8);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final String TEXT = "text/plain; charset=utf-8";

    private NettyHttpServerMain() {
    }

    /**
     * Serves until the process is stopped.
     *
     * @param args {@code backend host port}; port 0 picks a free one
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: NettyHttpServerMain <backend> <host> <port>");
            System.exit(2);
        }
        LoopBackend backend = RawNetty.backend(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, backend.ioHandlerFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(backend.serverSocketChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 1024) // as the example's SocketOptions.backlog(1024)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                        }
                    })
                    .bind(args[1], Integer.parseInt(args[2])).sync().channel();
            System.out.println("raw Netty HTTP (" + args[0] + ") listening on " + server.localAddress());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Answers each request once its last content is read; flushes at the end of each read. */
    private static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        private boolean found;
        private boolean keepAlive;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                found = request.method().equals(HttpMethod.GET) && request.uri().equals("/");
                keepAlive = HttpUtil.isKeepAlive(request);
            }
            if (msg instanceof LastHttpContent) {
                byte[] body = found ? HttpExchange.BODY : NOT_FOUND;
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        found ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, Unpooled.wrappedBuffer(body));
                response.headers()
                        .set(HttpHeaderNames.DATE, HTTP_DATE.format(Instant.now()))
                        .set(HttpHeaderNames.CONTENT_TYPE, TEXT)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                if (keepAlive) {
                    ctx.write(response, ctx.voidPromise());
                } else {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
