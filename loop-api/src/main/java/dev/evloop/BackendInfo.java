package dev.evloop;

/**
 * What evloop knows of one I/O backend on this host, from {@link EventLoops#backends()}: its
 * name, its rank in the default choice, and whether it can run here and, if not, why.
 * asyncio has no counterpart: it has one selector loop per platform.
 *
 * <pre>{@code
 * for (BackendInfo b : EventLoops.backends()) {
 *     System.out.println(b.name() + (b.available() ? " runs here" : " cannot run: " + b.unavailabilityReason()));
 * }
 * }</pre>
 *
 * @param name                the name to select it by, as in {@code -Dloop.backend=epoll}
 * @param rank                its place in the default choice: the highest available rank wins
 * @param available           whether an event loop can be built on it here
 * @param unavailabilityCause why it cannot run here, as Netty's own checks say; {@code null} if it can
 */
public record BackendInfo(String name, int rank, boolean available, Throwable unavailabilityCause) {

    /**
     * Why the backend cannot run here, in one line.
     *
     * @return the reason, or an empty string if it is available
     */
    public String unavailabilityReason() {
        if (available) {
            return "";
        }
        if (unavailabilityCause == null) {
            return "unavailable (no reason given)";
        }
        StringBuilder reason = new StringBuilder();
        for (Throwable t = unavailabilityCause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() == null && t.getCause() != null) {
                continue; // a bare wrapper, such as ExceptionInInitializerError, says nothing
            }
            if (!reason.isEmpty()) {
                reason.append("; caused by ");
            }
            reason.append(t.getMessage() != null ? t.getMessage() : t.getClass().getName());
        }
        return reason.toString();
    }
}
