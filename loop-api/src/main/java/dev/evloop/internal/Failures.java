package dev.evloop.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;

/** How a failure the API cannot declare is thrown from a method that waited for it. */
public final class Failures {
    private Failures() {
    }

    /**
     * What to throw for {@code error}: a runtime exception as it is, an {@link Error} thrown at
     * once, an {@link IOException} as an {@link UncheckedIOException}, any other checked exception
     * in a {@link CompletionException}.
     */
    public static RuntimeException unchecked(Throwable error) {
        if (error instanceof RuntimeException r) {
            return r;
        }
        if (error instanceof Error e) {
            throw e;
        }
        if (error instanceof IOException io) {
            return new UncheckedIOException(io.getMessage(), io);
        }
        return new CompletionException(error);
    }
}
