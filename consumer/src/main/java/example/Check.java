package example;

import dev.evloop.BackendInfo;
import dev.evloop.BackendUnavailableException;
import dev.evloop.EventLoop;
import dev.evloop.EventLoops;
import dev.evloop.TaskMode;
import java.util.ArrayList;
import java.util.List;

/**
 * What consumer/check asserts of a build whose only evloop dependency is loop-epoll: the policy
 * sees epoll alone and picks it, names the other backends as absent with the artifact that brings
 * each, tasks run in fast mode with the README's flags, and the program runs where it was told to
 * (on the module path the backend can only have been found through its {@code provides}, since a
 * named module's META-INF/services is ignored).
 */
public final class Check {
    private Check() {
    }

    /**
     * Prints each check and exits with status 1 if one failed.
     *
     * @param args {@code class-path} or {@code module-path}: where the launcher put this program
     */
    public static void main(String[] args) {
        if (args.length != 1 || !List.of("class-path", "module-path").contains(args[0])) {
            throw new IllegalArgumentException("args: class-path | module-path, got " + List.of(args));
        }
        boolean modulePath = args[0].equals("module-path");
        List<String> failures = new ArrayList<>();

        check(failures, "runs on the " + args[0], Check.class.getModule().isNamed() == modulePath,
                "module of this program: " + Check.class.getModule());
        if (modulePath) {
            check(failures, "the epoll backend is the module dev.evloop.epoll",
                    ModuleLayer.boot().findModule("dev.evloop.epoll").isPresent(), "boot layer: " + ModuleLayer.boot());
        }
        List<String> present = EventLoops.backends().stream().map(BackendInfo::name).toList();
        check(failures, "the policy sees epoll only", present.equals(List.of("epoll")), "present: " + present);
        String picked = EventLoops.defaultBackend();
        check(failures, "the policy picks epoll", picked.equals("epoll"), "picked: " + picked);
        try (EventLoop loop = EventLoops.newEventLoop()) {
            check(failures, "a new loop runs on epoll", loop.backend().equals("epoll"), "loop: " + loop.backend());
        }
        try (EventLoop loop = EventLoops.newEventLoop("io_uring,kqueue,selector")) {
            check(failures, "the absent backends cannot be picked", false, "got a loop on " + loop.backend());
        } catch (BackendUnavailableException e) {
            for (String[] absent : new String[][] {
                    {"io_uring", "loop-iouring"}, {"kqueue", "loop-kqueue"}, {"selector", "loop-selector"}}) {
                String expected = absent[0] + ": not on the class path (add dev.evloop:" + absent[1] + ")";
                check(failures, "the policy names " + absent[0] + " as absent", e.getMessage().contains(expected),
                        "message: " + e.getMessage());
            }
        }
        check(failures, "tasks run in fast mode", EventLoops.taskMode() == TaskMode.FAST,
                "mode: " + EventLoops.taskMode());

        if (!failures.isEmpty()) {
            System.out.println("consumer check on the " + args[0] + " FAILED: " + failures);
            System.exit(1);
        }
    }

    private static void check(List<String> failures, String what, boolean ok, String detail) {
        System.out.println((ok ? "  ok    " : "  FAIL  ") + what + (ok ? "" : " (" + detail + ")"));
        if (!ok) {
            failures.add(what);
        }
    }
}
