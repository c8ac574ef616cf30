package dev.evloop.internal.process;

/**
 * Where a {@link ReadPipeTransport}'s bytes come from: a pipe the loop watches, or one a pump
 * thread reads. Every method is called on the loop's thread; a source reports to its transport on
 * the loop's thread too.
 */
interface PipeSource {

    /** Starts delivering to the transport: {@code received}, then {@code eof} or {@code failed}. */
    void start(ReadPipeTransport transport);

    /** Delivers nothing more until {@link #resume()}: the protocol's buffer is full. */
    void pause();

    /** Delivers again after {@link #pause()}. */
    void resume();

    /** Stops delivering and closes the pipe's end; calling it again does nothing. */
    void close();
}
