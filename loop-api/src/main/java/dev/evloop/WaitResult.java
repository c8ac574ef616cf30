package dev.evloop;

import java.util.Set;

/**
 * The futures {@link Async#wait} found done, and those still pending; asyncio's {@code (done,
 * pending)} pair. Iteration order is the order the futures were given in.
 *
 * <pre>{@code
 * WaitResult<String> r = Async.wait(futures, Duration.ofSeconds(1), ReturnWhen.ALL_COMPLETED);
 * r.pending().forEach(LoopFuture::cancel);
 * }</pre>
 *
 * @param done    the futures that are done
 * @param pending the futures that are not
 * @param <T>     the futures' result type
 */
public record WaitResult<T>(Set<LoopFuture<T>> done, Set<LoopFuture<T>> pending) {
}
