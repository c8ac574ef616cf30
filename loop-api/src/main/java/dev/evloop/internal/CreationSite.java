package dev.evloop.internal;

import java.util.List;

/**
 * Where a callback was scheduled, captured in debug mode only (asyncio's
 * {@code _source_traceback}): the caller's frames, the loop's own frames left out.
 */
public final class CreationSite {
    private static final int DEPTH = 8;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final List<StackTraceElement> frames;

    private CreationSite(List<StackTraceElement> frames) {
        this.frames = frames;
    }

    /** The caller's frames, evloop's own left out. */
    public static CreationSite capture() {
        return new CreationSite(WALKER.walk(s -> s
                .dropWhile(f -> isLoopFrame(f.getDeclaringClass()))
                .limit(DEPTH)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toList()));
    }

    private static boolean isLoopFrame(Class<?> c) {
        String pkg = c.getPackageName();
        return pkg.equals("dev.evloop") || pkg.equals("dev.evloop.internal");
    }

    /** The innermost caller's frame, or {@code "?"} if none was found. */
    public String caller() {
        return frames.isEmpty() ? "?" : frames.get(0).toString();
    }

    /** The frames, one per line, innermost first. */
    public String trace() {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : frames) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }
}
