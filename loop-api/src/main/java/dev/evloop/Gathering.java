package dev.evloop;

import dev.evloop.internal.LoopCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The future behind {@link Async#gather} and {@link Async#gatherSettled}: asyncio's
 * {@code _GatheringFuture}. It completes when every child is done, or at the first failure when
 * failures are not settled; cancelling it cancels the children, and it then completes as
 * cancelled once they are done.
 */
final class Gathering<T, R> extends LoopFuture<R> {
    private final List<LoopFuture<T>> children;
    private final boolean settle;
    private final Function<List<LoopFuture<T>>, R> finish;
    private int left;
    private boolean cancelRequested;

    private Gathering(EventLoop loop, List<LoopFuture<T>> children, boolean settle,
                      Function<List<LoopFuture<T>>, R> finish) {
        super(loop);
        this.children = children;
        this.settle = settle;
        this.finish = finish;
        this.left = children.size();
    }

    @SuppressWarnings("unchecked")
    static <T, R> Gathering<T, R> of(List<? extends LoopFuture<? extends T>> futures, boolean settle,
                                    Function<List<LoopFuture<T>>, R> finish) {
        Objects.requireNonNull(futures, "futures");
        List<LoopFuture<T>> children = new ArrayList<>(futures.size());
        for (LoopFuture<? extends T> f : futures) {
            children.add((LoopFuture<T>) Objects.requireNonNull(f, "futures: a future is null"));
        }
        EventLoop loop = children.isEmpty() ? EventLoops.getRunningLoop() : loopOf(children);
        Gathering<T, R> gathering = new Gathering<>(loop, List.copyOf(children), settle, finish);
        if (children.isEmpty()) {
            gathering.setResult(finish.apply(List.of()));
        }
        for (LoopFuture<T> child : gathering.children) {
            child.addDoneCallback(gathering::childDone);
        }
        return gathering;
    }

    /** The one loop every future belongs to. */
    static EventLoop loopOf(List<? extends LoopFuture<?>> futures) {
        EventLoop loop = Objects.requireNonNull(futures.get(0), "futures: a future is null").loop();
        for (LoopFuture<?> f : futures) {
            if (Objects.requireNonNull(f, "futures: a future is null").loop() != loop) {
                throw new IllegalArgumentException("futures: they belong to different event loops");
            }
        }
        return loop;
    }

    private void childDone(LoopFuture<T> child) {
        left--;
        if (isDone()) {
            if (!child.isCancelled()) {
                child.exception(); // retrieved, so it is not reported as lost
            }
            return;
        }
        if (!settle) {
            if (child.isCancelled()) {
                super.cancel(cancelRequested ? "the gather was cancelled" : "a gathered future was cancelled");
                return;
            }
            Throwable error = child.exception();
            if (error != null) {
                completeExceptionally(error);
                return;
            }
        }
        if (left == 0) {
            if (cancelRequested) {
                super.cancel("the gather was cancelled");
            } else {
                setResult(finish.apply(children));
            }
        }
    }

    /**
     * Cancels the children not yet done; the gather then ends cancelled, also a
     * {@link Async#gatherSettled} one. asyncio's {@code _GatheringFuture.cancel}.
     * On the loop's thread (or while the loop is not running) it answers whether a child was
     * cancelled. From another thread the request is handed to the loop, as {@link Task#cancel}
     * does, and the answer is whether the gather was pending: the children's cancels and the
     * note that the gather was cancelled must be one step of the loop, or a child settling
     * between them would complete the gather with its results.
     */
    @Override
    public boolean cancel(String message) {
        if (isDone()) {
            return false;
        }
        LoopCore core = core();
        if (!core.holdsLoop()) {
            core.callSoonThreadsafe(() -> cancel(message));
            return true;
        }
        boolean any = false;
        for (LoopFuture<T> child : children) {
            any |= child.cancel(message);
        }
        if (any) {
            cancelRequested = true;
        }
        return any;
    }

    /** The settled children, as they are. */
    static <T> List<LoopFuture<T>> settled(List<LoopFuture<T>> children) {
        return children;
    }

    /** The children's results, in order. */
    static <T> List<T> results(List<LoopFuture<T>> children) {
        List<T> results = new ArrayList<>(children.size());
        for (LoopFuture<T> child : children) {
            results.add(child.result());
        }
        return results;
    }
}
