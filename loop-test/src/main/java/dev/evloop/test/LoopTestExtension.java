package dev.evloop.test;

import dev.evloop.Async;
import dev.evloop.BackendInfo;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.ExceptionContext;
import dev.evloop.LoopFuture;
import dev.evloop.Task;
import dev.evloop.VirtualClock;
import dev.evloop.net.Transport;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link LoopTest}: one invocation of the test method per backend asked
 * for, each on a loop of its own. Users name {@code @LoopTest}, not this class; it is public
 * because JUnit instantiates it, also on the module path.
 */
public final class LoopTestExtension implements TestTemplateInvocationContextProvider {
    /** How long the clean-up waits for the default executor's work, as {@code asyncio.run} would. */
    private static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Collections tried so that failed futures that became garbage report themselves. */
    private static final int COLLECTIONS = 3;
    /** A real pause after each collection, for the cleaner thread (not a timing of the test). */
    private static final Duration CLEANER_PAUSE = Duration.ofMillis(10);

    /** Made by JUnit, from {@code @LoopTest}'s {@code @ExtendWith}. */
    public LoopTestExtension() {
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> findAnnotation(m) != null).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        LoopTest settings = findAnnotation(context.getRequiredTestMethod());
        if (!settings.everyBackend()) {
            return Stream.of(new Run(null, settings.virtualTime(), false));
        }
        return EventLoops.backends().stream().map(b -> new Run(b, settings.virtualTime(), true));
    }

    /** {@code @LoopTest} on the method, or on an annotation of it (a user's composed annotation). */
    private static LoopTest findAnnotation(Method method) {
        LoopTest direct = method.getAnnotation(LoopTest.class);
        if (direct != null) {
            return direct;
        }
        for (var annotation : method.getAnnotations()) {
            LoopTest meta = annotation.annotationType().getAnnotation(LoopTest.class);
            if (meta != null) {
                return meta;
            }
        }
        return null;
    }

    /** One run of the test: its backend (null for the policy's), its loop and what the loop reported. */
    private static final class Run implements TestTemplateInvocationContext, BeforeEachCallback, AfterEachCallback,
            ParameterResolver, InvocationInterceptor {
        private final BackendInfo backend;
        private final boolean virtualTime;
        private final boolean named;
        private final List<ExceptionContext> reports = new ArrayList<>();
        private VirtualClock clock;
        private EventLoop loop;

        Run(BackendInfo backend, boolean virtualTime, boolean named) {
            this.backend = backend;
            this.virtualTime = virtualTime;
            this.named = named;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return named ? "[" + backend.name() + "]" : "[" + invocationIndex + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(this);
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            if (backend != null && !backend.available()) {
                throw new TestAbortedException(backend.name() + " cannot run here: " + backend.unavailabilityReason());
            }
            String name = backend != null ? backend.name() : EventLoops.defaultBackend();
            clock = virtualTime ? new VirtualClock() : null;
            loop = clock != null ? EventLoops.newEventLoop(name, clock) : EventLoops.newEventLoop(name);
            loop.setExceptionHandler((l, report) -> reports.add(report));
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == EventLoop.class || type == VirtualClock.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            if (parameter.getParameter().getType() == EventLoop.class) {
                return loop;
            }
            if (clock == null) {
                throw new ParameterResolutionException("a VirtualClock parameter needs @LoopTest(virtualTime = true)");
            }
            return clock;
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                                ExtensionContext context) throws Throwable {
            Throwable[] thrown = new Throwable[1];
            Task<Void> main = loop.createTask("test " + method.getExecutable().getName(), () -> {
                try {
                    invocation.proceed();
                } catch (Throwable t) {
                    thrown[0] = t; // rethrown as it is, not wrapped by the task
                }
                return null;
            });
            List<String> problems;
            try {
                loop.runUntilComplete(main);
                problems = cleanUp();
            } finally {
                // Here, on the thread that ran the loop, which may not be JUnit's own (a @Timeout in
                // SEPARATE_THREAD mode runs the method on another): only that thread can close it.
                loop.close();
            }
            Throwable failure = thrown[0];
            if (!problems.isEmpty()) {
                AssertionError leftovers = leftovers(problems);
                if (failure == null) {
                    throw leftovers;
                }
                failure.addSuppressed(leftovers);
            }
            if (failure != null) {
                throw failure;
            }
        }

        /**
         * Cancels and awaits pending tasks, aborts open connections, collects garbage so that
         * unretrieved failures report, shuts the default executor down; returns what was wrong.
         */
        private List<String> cleanUp() {
            List<String> problems = new ArrayList<>();
            Set<Task<?>> pending = Async.allTasks(loop);
            if (!pending.isEmpty()) {
                problems.add("tasks still pending at the end of the test (cancelled): " + pending);
                pending.forEach(Task::cancel);
                for (Task<?> task : pending) {
                    try {
                        loop.runUntilComplete(task);
                    } catch (RuntimeException cancelledOrFailed) {
                        // reported above as left pending; how it ended adds nothing
                    }
                }
            }
            Set<Transport> open = loop.openConnections();
            if (!open.isEmpty()) {
                problems.add("connections still open at the end of the test (aborted): " + open);
                open.forEach(Transport::abort);
                while (!loop.openConnections().isEmpty()) {
                    loop.runOnce(false);
                }
            }
            for (int i = 0; i < COLLECTIONS; i++) {
                System.gc();
                pauseForTheCleaner();
                loop.runOnce(false);
            }
            LoopFuture<Void> executorDown = loop.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT);
            loop.runUntilComplete(executorDown);
            for (ExceptionContext report : reports) {
                problems.add("the loop's exception handler was called: " + report.message()
                        + (report.exception() != null ? ": " + report.exception() : ""));
            }
            return problems;
        }

        /** Lets the JDK's cleaner thread hand the loop the reports of futures just collected. */
        private static void pauseForTheCleaner() {
            try {
                Thread.sleep(CLEANER_PAUSE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private AssertionError leftovers(List<String> problems) {
            AssertionError error = new AssertionError(String.join("\n", problems));
            for (ExceptionContext report : reports) {
                if (report.exception() != null) {
                    error.addSuppressed(report.exception());
                }
            }
            return error;
        }

        /** Closes a loop the test method never ran (a parameter could not be resolved, say). */
        @Override
        public void afterEach(ExtensionContext context) {
            if (loop != null && !loop.isClosed() && !loop.isRunning()) {
                loop.close();
            }
        }
    }
}
