package dev.evloop.bench;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * What a load client ({@link EchoClient}, {@link OpenLoopClient}) sends per request and how it
 * reads the responses: an echo of the message, or an HTTP exchange ({@link HttpExchange}). The
 * clients keep the connections, the pacing and the clocks; an exchange keeps the bytes.
 */
interface Exchange {
    /**
     * One request's bytes, from position 0 to the limit; the clients send duplicates of it and
     * never change it.
     */
    ByteBuffer request();

    /** A reader of one connection's responses, in the order the requests were sent. */
    ResponseReader reader();

    /**
     * Reads one connection's responses as the bytes arrive, in whatever pieces the reads cut them:
     * a response split over reads, several in one read.
     */
    interface ResponseReader {
        /**
         * Consumes every byte remaining in {@code in}.
         *
         * @return how many responses these bytes completed
         * @throws IllegalStateException if a response is not the one expected, saying how
         */
        int read(ByteBuffer in);

        /** True between responses; false part-way through one. */
        boolean idle();
    }

    /**
     * The echo exchange: a message of {@code size} random bytes (the same for a size, so that every
     * client of a run sends the same), each echo checked byte for byte. Its reader allocates
     * nothing per read once it has seen the client's read buffer.
     *
     * @param size bytes per message, 1 or more
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    static Exchange echo(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " is not 1 or more bytes");
        }
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        ByteBuffer message = ByteBuffer.allocateDirect(size).put(bytes).flip().asReadOnlyBuffer();
        return new Exchange() {
            @Override
            public ByteBuffer request() {
                return message.duplicate();
            }

            @Override
            public ResponseReader reader() {
                return new ResponseReader() {
                    private int echoed; // bytes of the current message's echo so far
                    /** Views for comparing a part of each, made once per reader and read buffer: nothing per read. */
                    private final ByteBuffer expected = message.duplicate();
                    private ByteBuffer source;
                    private ByteBuffer received;

                    @Override
                    public int read(ByteBuffer in) {
                        if (in != source) {
                            source = in;
                            received = in.duplicate();
                        }
                        int done = 0;
                        while (in.hasRemaining()) {
                            int take = Math.min(in.remaining(), size - echoed);
                            received.limit(in.position() + take).position(in.position());
                            expected.limit(echoed + take).position(echoed);
                            if (received.mismatch(expected) != -1) {
                                throw new IllegalStateException("the echo differs from what was sent");
                            }
                            in.position(in.position() + take);
                            echoed += take;
                            if (echoed == size) {
                                echoed = 0;
                                done++;
                            }
                        }
                        return done;
                    }

                    @Override
                    public boolean idle() {
                        return echoed == 0;
                    }
                };
            }
        };
    }
}
