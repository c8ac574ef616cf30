package dev.evloop.conformance;

import dev.evloop.Async;
import dev.evloop.LoopFuture;
import dev.evloop.ReturnWhen;
import dev.evloop.Task;
import dev.evloop.TaskGroup;
import dev.evloop.TaskGroupException;
import dev.evloop.net.Server;
import dev.evloop.net.SocketOptions;
import dev.evloop.process.Subprocess;
import dev.evloop.process.SubprocessOptions;
import dev.evloop.streams.StreamReader;
import dev.evloop.streams.Streams;
import dev.evloop.sync.AsyncCondition;
import dev.evloop.sync.AsyncEvent;
import dev.evloop.sync.AsyncLock;
import dev.evloop.sync.AsyncQueue;
import dev.evloop.sync.AsyncSemaphore;
import dev.evloop.sync.BoundedSemaphore;
import io.netty.buffer.ByteBuf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cancellation leaves behind in each method that waits, as the methods' "Cancel safety"
 * paragraphs say: each test cancels a task while it waits in one method, then looks at what is left.
 */
class CancelSafetyTest extends BackendTest {
    private static final SocketOptions OPTIONS = SocketOptions.defaults();
    private static final Duration FOREVER = Duration.ofDays(1);

    /** Lets the tasks spawned so far run up to their first wait. */
    private static void letThemWait() {
        for (int i = 0; i < 3; i++) {
            Async.yieldNow();
        }
    }

    /** Cancels a task that waits, and waits until its cancellation is through. */
    private static void cancelWhileWaiting(Task<?> task) {
        letThemWait();
        assertFalse(task.isDone(), "the task waits");
        task.cancel();
        assertThrows(CancellationException.class, task::await);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void feed(StreamReader reader, String s) {
        reader.feedData(ByteBuffer.wrap(bytes(s)));
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    // StreamReader

    @Test
    void aReadCancelledWhileWaitingLetsTheNextReadHaveTheData() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            cancelWhileWaiting(Async.spawn(() -> reader.read(100)));
            Task<byte[]> next = Async.spawn(() -> reader.read(100));
            letThemWait();
            feed(reader, "abc");
            return text(next.await());
        });
        assertEquals("abc", got);
    }

    @Test
    void aReadWokenByDataButCancelledBeforeItRunsLeavesTheDataInTheBuffer() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.read(100));
            letThemWait();
            feed(reader, "abc");
            reading.cancel();
            assertThrows(CancellationException.class, reading::await);
            return text(reader.read(100));
        });
        assertEquals("abc", got);
    }

    @Test
    void aReaderWaitedOnAgainAndAgainWithCancellationsBetweenStillWakesEachNewWaiter() {
        // One waiter serves every wait of a reader: a cancelled or woken wait must leave it ready.
        List<String> got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            List<String> reads = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                cancelWhileWaiting(Async.spawn(() -> reader.read(100)));
                Task<byte[]> next = Async.spawn(() -> reader.read(100));
                letThemWait();
                feed(reader, "r" + round);
                reads.add(text(next.await()));
            }
            return reads;
        });
        assertEquals(List.of("r0", "r1", "r2"), got);
    }

    @Test
    void aReadWokenByDataBeforeTheConnectionFailsReturnsTheDataAndTheNextReadThrows() {
        Object[] got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.read(100));
            letThemWait();
            feed(reader, "abc");
            reader.setException(new IllegalStateException("reset"));
            String data = text(reading.await());
            return new Object[] {data, assertThrows(IllegalStateException.class, () -> reader.read(100)).getMessage()};
        });
        assertEquals("abc", got[0]);
        assertEquals("reset", got[1]);
    }

    @Test
    void aReadWaitingWhenTheConnectionFailsThrowsTheFailureAndTakesNothing() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<byte[]> reading = Async.spawn(() -> reader.read(100));
            letThemWait();
            reader.setException(new IllegalStateException("reset"));
            return assertThrows(IllegalStateException.class, reading::await).getMessage();
        });
        assertEquals("reset", got);
    }

    @Test
    void aReadOutsideATaskIsRefusedAndLeavesTheReaderFreeForATask() {
        StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
        assertThrows(IllegalStateException.class, () -> reader.read(100));
        String got = loop.runUntilComplete(() -> {
            Task<byte[]> reading = Async.spawn(() -> reader.read(100));
            letThemWait();
            feed(reader, "abc");
            return text(reading.await());
        });
        assertEquals("abc", got);
    }

    @Test
    void aReadRetainedWokenByDataButCancelledBeforeItRunsHandsOverNothingAndLeavesTheData() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            Task<ByteBuf> reading = Async.spawn(() -> reader.readRetained(100));
            letThemWait();
            feed(reader, "abc");
            reading.cancel();
            assertThrows(CancellationException.class, reading::await);
            return text(reader.read(100));
        });
        assertEquals("abc", got);
    }

    @Test
    void aReadExactlyCancelledWithPartOfItsBytesLeavesThemInTheBuffer() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            feed(reader, "ab");
            cancelWhileWaiting(Async.spawn(() -> reader.readExactly(5)));
            feed(reader, "cde");
            return text(reader.readExactly(5));
        });
        assertEquals("abcde", got);
    }

    @Test
    void aReadLineCancelledMidLineLeavesThePartialLineInTheBuffer() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            feed(reader, "hel");
            cancelWhileWaiting(Async.spawn(reader::readLine));
            feed(reader, "lo\n");
            return text(reader.readLine());
        });
        assertEquals("hello\n", got);
    }

    @Test
    void aReadUntilCancelledBeforeTheSeparatorLeavesTheChunkInTheBuffer() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, StreamReader.DEFAULT_LIMIT);
            feed(reader, "key: value\r");
            cancelWhileWaiting(Async.spawn(() -> reader.readUntil(bytes("\r\n"))));
            feed(reader, "\nnext");
            return text(reader.readUntil(bytes("\r\n")));
        });
        assertEquals("key: value\r\n", got);
    }

    @Test
    void aReadToTheEndCancelledMidwayPutsEveryByteItHadTakenBackInTheBuffer() {
        String got = loop.runUntilComplete(() -> {
            StreamReader reader = new StreamReader(loop, 4); // read() takes chunks of the limit
            feed(reader, "0123456789");
            cancelWhileWaiting(Async.spawn(() -> reader.read()));
            feed(reader, "ab");
            reader.feedEof();
            return text(reader.read());
        });
        assertEquals("0123456789ab", got);
    }

    // StreamWriter

    @Test
    void aDrainCancelledWhileThePeerIsSlowStillSendsEveryWrittenByte() {
        int[] sentAndReceived = loop.runUntilComplete(() -> {
            AsyncEvent go = new AsyncEvent();
            int[] counts = new int[2];
            Server server = Async.startServer((r, w) -> {
                go.await(); // not reading yet: the kernel's buffers fill, then the client's
                byte[] chunk;
                while ((chunk = r.read(1 << 16)).length > 0) {
                    counts[1] += chunk.length;
                }
                w.close();
            }, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 256 && s.writer().transport().writeBufferSize() <= chunk.length; i++) {
                s.writer().write(chunk);
                counts[0] += chunk.length;
                Async.sleep(0.001);
            }
            cancelWhileWaiting(Async.spawn(() -> {
                s.writer().drain();
                return null;
            }));
            go.set();
            s.writer().writeEof();
            s.writer().waitClosed();
            server.close();
            return counts;
        });
        assertEquals(sentAndReceived[0], sentAndReceived[1]);
    }

    @Test
    void aWaitClosedCancelledLeavesTheConnectionOpenAndALaterWaitClosedReturns() {
        boolean[] closingAfterCancel = new boolean[1];
        loop.runUntilComplete(() -> {
            Server server = Async.startServer(StreamsTest.ECHO, "127.0.0.1", 0, OPTIONS);
            Streams s = Async.openConnection("127.0.0.1", port(server), OPTIONS);
            cancelWhileWaiting(Async.spawn(() -> {
                s.writer().waitClosed();
                return null;
            }));
            closingAfterCancel[0] = s.writer().isClosing();
            s.writer().close();
            s.writer().waitClosed(); // throws if the cancellation reached the connection's own future
            server.close();
            return null;
        });
        assertFalse(closingAfterCancel[0]);
    }

    @Test
    void aServerWaitClosedCancelledLeavesALaterWaitClosedWorking() {
        boolean closed = loop.runUntilComplete(() -> {
            Server server = Async.startServer(StreamsTest.ECHO, "127.0.0.1", 0, OPTIONS);
            cancelWhileWaiting(Async.spawn(() -> server.waitClosed().await()));
            server.close();
            server.waitClosed().await();
            return true;
        });
        assertTrue(closed);
    }

    // Async.openConnection

    @Test
    void anOpenConnectionCancelledAtAnyPointLeavesNoConnectionOpen() {
        OpenFileDescriptors.assumeCountable();
        long left = loop.runUntilComplete(() -> {
            Server server = Async.startServer(StreamsTest.ECHO, "127.0.0.1", 0, OPTIONS);
            return descriptorsLeftByCancelledOpens(server,
                    () -> Async.openConnection("127.0.0.1", port(server), OPTIONS));
        });
        assertEquals(0, left, "descriptors left open by cancelled connections");
    }

    @Test
    void anOpenUnixConnectionCancelledAtAnyPointLeavesNoConnectionOpen(@TempDir Path dir) {
        OpenFileDescriptors.assumeCountable();
        Path socket = dir.resolve("cancel.sock");
        long left = loop.runUntilComplete(() -> {
            Server server = Async.startUnixServer(StreamsTest.ECHO, socket, OPTIONS);
            return descriptorsLeftByCancelledOpens(server, () -> Async.openUnixConnection(socket, OPTIONS));
        });
        assertEquals(0, left, "descriptors left open by cancelled connections");
    }

    /**
     * Cancels opens after 0, 1, 2... yields (while resolving, while connecting, once connected),
     * closes the ones that finished first, closes the server and counts the descriptors still
     * open beyond the listening server's.
     */
    private static long descriptorsLeftByCancelledOpens(Server server, Callable<Streams> open) throws Exception {
        long listening = OpenFileDescriptors.count();
        for (int yields = 0; yields < 12; yields++) {
            Task<Streams> connecting = Async.spawn(open);
            for (int i = 0; i < yields; i++) {
                Async.yieldNow();
            }
            if (connecting.isDone()) {
                connecting.await().writer().close();
            } else {
                connecting.cancel();
                assertThrows(CancellationException.class, connecting::await);
            }
        }
        // Closes finish on the loop, and the server closes its side on our EOF.
        for (int i = 0; i < 500 && OpenFileDescriptors.count() > listening; i++) {
            Async.sleep(0.01);
        }
        long left = OpenFileDescriptors.count() - listening;
        server.close(); // not waiting for it: a leaked connection would hold it forever
        return left;
    }

    // AsyncQueue

    @Test
    void aGetCancelledWhileWaitingTakesNothingFromTheQueue() {
        List<Object> left = loop.runUntilComplete(() -> {
            AsyncQueue<String> queue = AsyncQueue.fifo(0);
            cancelWhileWaiting(Async.spawn(queue::get));
            queue.putNowait("x");
            return List.of(queue.size(), queue.getNowait());
        });
        assertEquals(List.of(1, "x"), left);
    }

    @Test
    void aGetWokenForAnItemButCancelledLeavesTheItemForTheNextGetter() {
        List<Object> seen = loop.runUntilComplete(() -> {
            AsyncQueue<String> queue = AsyncQueue.fifo(0);
            Task<String> first = Async.spawn(queue::get);
            Task<String> second = Async.spawn(queue::get);
            letThemWait();
            queue.putNowait("x"); // wakes the first getter...
            first.cancel();       // ...which is cancelled before it runs
            assertThrows(CancellationException.class, first::await);
            return List.of(Async.waitFor(second, Duration.ofSeconds(10)), queue.size());
        });
        assertEquals(List.of("x", 0), seen);
    }

    @Test
    void aPutCancelledWhileTheQueueIsFullAddsNothing() {
        List<Object> left = loop.runUntilComplete(() -> {
            AsyncQueue<String> queue = AsyncQueue.fifo(1);
            queue.putNowait("a");
            cancelWhileWaiting(Async.spawn(() -> {
                queue.put("b");
                return null;
            }));
            List<Object> state = new ArrayList<>();
            state.add(queue.size());
            state.add(queue.getNowait());
            state.add(queue.isEmpty());
            return state;
        });
        assertEquals(List.of(1, "a", true), left);
    }

    @Test
    void aPutWokenForAFreeSlotButCancelledPassesTheSlotToTheNextPutter() {
        List<String> left = loop.runUntilComplete(() -> {
            AsyncQueue<String> queue = AsyncQueue.fifo(1);
            queue.putNowait("a");
            Task<?> first = Async.spawn(() -> {
                queue.put("b");
                return null;
            });
            Task<?> second = Async.spawn(() -> {
                queue.put("c");
                return null;
            });
            letThemWait();
            queue.getNowait(); // frees the slot and wakes the first putter...
            first.cancel();    // ...which is cancelled before it runs
            assertThrows(CancellationException.class, first::await);
            Async.waitFor(second, Duration.ofSeconds(10));
            List<String> items = new ArrayList<>();
            while (!queue.isEmpty()) {
                items.add(queue.getNowait());
            }
            return items;
        });
        assertEquals(List.of("c"), left);
    }

    @Test
    void aJoinCancelledLeavesTheUnfinishedItemsCounted() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            AsyncQueue<String> queue = AsyncQueue.fifo(0);
            queue.putNowait("x");
            cancelWhileWaiting(Async.spawn(() -> {
                queue.join();
                return null;
            }));
            Task<?> joiner = Async.spawn(() -> {
                queue.join();
                return null;
            });
            letThemWait();
            boolean waitsForTheItem = !joiner.isDone();
            queue.getNowait();
            queue.taskDone();
            Async.waitFor(joiner, Duration.ofSeconds(10));
            return List.of(waitsForTheItem, joiner.isDone());
        });
        assertEquals(List.of(true, true), seen);
    }

    // AsyncLock

    @Test
    void aLockAcquireCancelledWhileWaitingLeavesTheLockWithItsHolderAndFreeAfterRelease() {
        List<Boolean> locked = loop.runUntilComplete(() -> {
            AsyncLock lock = new AsyncLock();
            lock.acquire();
            cancelWhileWaiting(Async.spawn(lock::acquire));
            boolean held = lock.isLocked();
            lock.release();
            letThemWait();
            return List.of(held, lock.isLocked());
        });
        assertEquals(List.of(true, false), locked);
    }

    @Test
    void aLockHandedToAWaiterThatIsCancelledBeforeItRunsGoesToTheNextWaiter() {
        boolean nextGotIt = loop.runUntilComplete(() -> {
            AsyncLock lock = new AsyncLock();
            lock.acquire();
            Task<?> first = Async.spawn(lock::acquire);
            Task<Boolean> second = Async.spawn(() -> {
                lock.acquire();
                return lock.isLocked();
            });
            letThemWait();
            lock.release(); // wakes the first waiter...
            first.cancel(); // ...which is cancelled before it runs
            assertThrows(CancellationException.class, first::await);
            return Async.waitFor(second, Duration.ofSeconds(10));
        });
        assertTrue(nextGotIt);
    }

    // AsyncSemaphore, BoundedSemaphore

    @Test
    void aLockReleasedWhileACancelledWaiterUnwindsIsHeldByOneTaskAtATime() {
        int mostHoldersAtOnce = loop.runUntilComplete(() -> {
            AsyncLock lock = new AsyncLock();
            lock.acquire();
            int[] holders = {0, 0}; // now, and the most at once
            List<Task<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(Async.spawn(() -> {
                    lock.acquire();
                    holders[1] = Math.max(holders[1], ++holders[0]);
                    Async.yieldNow();
                    holders[0]--;
                    lock.release();
                    return null;
                }));
            }
            letThemWait();
            waiters.get(1).cancel(); // the second waiter unwinds after...
            lock.release();          // ...the first has been handed the lock
            Async.waitFor(Async.gatherSettled(waiters), Duration.ofSeconds(10));
            return holders[1];
        });
        assertEquals(1, mostHoldersAtOnce);
    }

    @Test
    void aSemaphoreAcquireCancelledWhileWaitingTakesNoPermit() {
        assertEquals(1, permitsAfterACancelledAcquire(() -> new AsyncSemaphore(1)));
    }

    @Test
    void aBoundedSemaphoreAcquireCancelledWhileWaitingTakesNoPermit() {
        assertEquals(1, permitsAfterACancelledAcquire(() -> new BoundedSemaphore(1)));
    }

    /**
     * Takes a semaphore's one permit, cancels a second acquire while it waits, gives the permit
     * back; the permits available then.
     */
    private int permitsAfterACancelledAcquire(java.util.function.Supplier<AsyncSemaphore> make) {
        return loop.runUntilComplete(() -> {
            AsyncSemaphore semaphore = make.get();
            semaphore.acquire();
            cancelWhileWaiting(Async.spawn(semaphore::acquire));
            semaphore.release();
            letThemWait();
            return semaphore.availablePermits();
        });
    }

    @Test
    void aPermitHandedToAWaiterThatIsCancelledBeforeItRunsGoesToTheNextWaiter() {
        List<Object> seen = loop.runUntilComplete(() -> {
            AsyncSemaphore semaphore = new AsyncSemaphore(1);
            semaphore.acquire();
            Task<?> first = Async.spawn(semaphore::acquire);
            Task<?> second = Async.spawn(semaphore::acquire);
            letThemWait();
            semaphore.release(); // hands the permit to the first waiter...
            first.cancel();      // ...which is cancelled before it runs
            assertThrows(CancellationException.class, first::await);
            Async.waitFor(second, Duration.ofSeconds(10));
            return List.of(second.isDone(), semaphore.availablePermits());
        });
        assertEquals(List.of(true, 0), seen);
    }

    // AsyncCondition

    @Test
    void aConditionWaitCancelledRaisesWithTheLockHeldAgain() {
        assertTrue(lockHeldWhenCancelledIn(AsyncCondition::await));
    }

    @Test
    void aConditionWaitForCancelledRaisesWithTheLockHeldAgain() {
        assertTrue(lockHeldWhenCancelledIn(condition -> condition.waitFor(() -> false)));
    }

    /**
     * Cancels a task while it waits in {@code wait} on a condition it holds; whether the lock was
     * held again when the cancellation was raised, and free once the task let it go.
     */
    private boolean lockHeldWhenCancelledIn(java.util.function.Consumer<AsyncCondition> wait) {
        return loop.runUntilComplete(() -> {
            AsyncCondition condition = new AsyncCondition();
            boolean[] held = new boolean[1];
            cancelWhileWaiting(Async.spawn(() -> {
                condition.acquire();
                try {
                    wait.accept(condition);
                } catch (CancellationException e) {
                    held[0] = condition.isLocked();
                    condition.release();
                    throw e;
                }
                return null;
            }));
            return held[0] && !condition.isLocked();
        });
    }

    @Test
    void aConditionAcquireCancelledWhileWaitingLeavesTheLockWithItsHolder() {
        List<Boolean> locked = loop.runUntilComplete(() -> {
            AsyncCondition condition = new AsyncCondition();
            condition.acquire();
            cancelWhileWaiting(Async.spawn(condition::acquire));
            boolean held = condition.isLocked();
            condition.release();
            letThemWait();
            return List.of(held, condition.isLocked());
        });
        assertEquals(List.of(true, false), locked);
    }

    @Test
    void aConditionWaitAbortedByAFailingTaskGroupChildRaisesWithTheLockHeldAgain() {
        Throwable notifierOutcome = loop.runUntilComplete(() -> {
            AsyncCondition condition = new AsyncCondition();
            LoopFuture<Void> childMayFail = loop.createFuture();
            Task<?>[] notifier = new Task<?>[1];
            try {
                TaskGroup.run(group -> {
                    Task<?> child = group.spawn(() -> {
                        childMayFail.await();
                        throw new IllegalStateException("child failed");
                    });
                    notifier[0] = Async.spawn(() -> {
                        // Notifies, then holds the lock while the child fails: the waiter is
                        // aborted as it waits to take the lock back.
                        condition.acquire();
                        condition.signal();
                        childMayFail.setResult(null);
                        Async.gatherSettled(List.of(child)).await();
                        letThemWait();
                        condition.release();
                        return null;
                    });
                    condition.acquire();
                    try {
                        condition.await();
                    } finally {
                        condition.release();
                    }
                    return null;
                });
            } catch (TaskGroupException expected) {
                // the child's failure, as it should
            }
            Async.gatherSettled(List.of(notifier[0])).await();
            return notifier[0].exception(); // its release fails if the waiter released its lock for it
        });
        assertEquals(null, notifierOutcome);
    }

    @Test
    void aNotificationToAWaiterThatIsCancelledBeforeItRunsGoesToTheNextWaiter() {
        boolean nextWoke = loop.runUntilComplete(() -> {
            AsyncCondition condition = new AsyncCondition();
            Task<?> first = Async.spawn(() -> {
                condition.acquire();
                try {
                    condition.await();
                } finally {
                    condition.release();
                }
                return null;
            });
            Task<Boolean> second = Async.spawn(() -> {
                condition.acquire();
                try {
                    condition.await();
                    return true;
                } finally {
                    condition.release();
                }
            });
            letThemWait();
            condition.acquire();
            condition.signal(1); // notifies the first waiter...
            first.cancel();      // ...which is cancelled before it runs
            condition.release();
            assertThrows(CancellationException.class, first::await);
            return Async.waitFor(second, Duration.ofSeconds(10));
        });
        assertTrue(nextWoke);
    }

    // AsyncEvent

    @Test
    void anEventWaitCancelledLeavesTheEventUnsetAndTheOtherWaitersWaiting() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            AsyncEvent event = new AsyncEvent();
            Task<Boolean> other = Async.spawn(event::await);
            cancelWhileWaiting(Async.spawn(event::await));
            boolean setAfterCancel = event.isSet();
            boolean otherWaits = !other.isDone();
            event.set();
            return List.of(setAfterCancel, otherWaits, Async.waitFor(other, Duration.ofSeconds(10)));
        });
        assertEquals(List.of(false, true, true), seen);
    }

    // Async.sleep, timeout, waitFor, gather, gatherSettled

    @Test
    void aSleepCancelledCancelsItsTimer() {
        long cancelledTimers = loop.runUntilComplete(() -> {
            long before = loop.metrics().timersCancelled();
            cancelWhileWaiting(Async.spawn(() -> {
                Async.sleep(FOREVER.minusHours(1));
                return null;
            }));
            return loop.metrics().timersCancelled() - before;
        });
        assertEquals(1, cancelledTimers);
    }

    @Test
    void aTimeoutCancelledFromOutsideRaisesTheCancellationAndCancelsItsDeadline() {
        List<Object> seen = loop.runUntilComplete(() -> {
            long before = loop.metrics().timersCancelled();
            Task<?> timed = Async.spawn(() -> Async.timeout(FOREVER.minusHours(1), () -> {
                Async.sleep(FOREVER.minusHours(2));
                return null;
            }));
            cancelWhileWaiting(timed);
            return List.of(timed.isCancelled(), loop.metrics().timersCancelled() - before);
        });
        assertEquals(List.of(true, 2L), seen, "the task is cancelled, and both the sleep's timer and the deadline are gone");
    }

    @Test
    void aWaitForCancelledCancelsTheTaskItWaitsForAndReturnsOnceThatTaskHasFinished() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            boolean[] cleanedUp = new boolean[1];
            Task<?> inner = Async.spawn(() -> {
                try {
                    Async.sleep(FOREVER);
                } finally {
                    Async.sleep(0.01); // cleaning up takes a while
                    cleanedUp[0] = true;
                }
                return null;
            });
            cancelWhileWaiting(Async.spawn(() -> Async.waitFor(inner, FOREVER)));
            return List.of(inner.isCancelled(), cleanedUp[0]);
        });
        assertEquals(List.of(true, true), seen);
    }

    @Test
    void aGatherCancelledCancelsTheChildrenNotYetDoneAndKeepsTheOthersResults() {
        List<Object> seen = loop.runUntilComplete(() -> {
            Task<String> done = Async.spawn(() -> "done");
            Task<String> sleeping = Async.spawn(() -> {
                Async.sleep(FOREVER);
                return "woke";
            });
            letThemWait();
            cancelWhileWaiting(Async.spawn(() -> Async.gather(done, sleeping).await()));
            return List.of(done.result(), sleeping.isCancelled());
        });
        assertEquals(List.of("done", true), seen);
    }

    @Test
    void aGatherCancelledRaisesAsSoonAsOneChildEndsCancelledWhileSlowerChildrenStillUnwind() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            AsyncEvent cleanUpMayEnd = new AsyncEvent();
            Task<?> quick = Async.spawn(() -> {
                Async.sleep(FOREVER);
                return null;
            });
            Task<?> slow = Async.spawn(() -> {
                try {
                    Async.sleep(FOREVER);
                } finally {
                    cleanUpMayEnd.await();
                }
                return null;
            });
            Task<List<Object>> awaiting = Async.spawn(() -> Async.gather(quick, slow).await());
            letThemWait();
            awaiting.cancel();
            // Not awaiting it: a gather that waited for the slow child would never end here.
            Async.wait(List.of(awaiting), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED);
            boolean slowStillUnwinding = awaiting.isCancelled() && !slow.isDone();
            cleanUpMayEnd.set();
            for (int i = 0; i < 1000 && !slow.isDone(); i++) {
                Async.sleep(0.01);
            }
            return List.of(quick.isCancelled(), slowStillUnwinding);
        });
        assertEquals(List.of(true, true), seen);
    }

    @Test
    void aGatherSettledCancelledReturnsOnlyOnceEveryChildHasFinished() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            boolean[] cleanedUp = new boolean[1];
            Task<?> quick = Async.spawn(() -> {
                Async.sleep(FOREVER);
                return null;
            });
            Task<?> slow = Async.spawn(() -> {
                try {
                    Async.sleep(FOREVER);
                } finally {
                    Async.sleep(0.01);
                    cleanedUp[0] = true;
                }
                return null;
            });
            cancelWhileWaiting(Async.spawn(() -> Async.gatherSettled(List.of(quick, slow)).await()));
            return List.of(quick.isCancelled(), slow.isCancelled(), cleanedUp[0]);
        });
        assertEquals(List.of(true, true, true), seen);
    }

    // LoopFuture.await, Task.await, shield

    @Test
    void anAsCompletedAwaitCancelledTakesNoOutcomeAndTheNextFutureGetsTheFirst() {
        String first = loop.runUntilComplete(() -> {
            LoopFuture<String> a = loop.createFuture();
            LoopFuture<String> b = loop.createFuture();
            List<LoopFuture<String>> next = Async.asCompleted(List.of(a, b), null);
            cancelWhileWaiting(Async.spawn(() -> next.get(0).await()));
            a.setResult("a");
            return Async.waitFor(next.get(1), Duration.ofSeconds(10));
        });
        assertEquals("a", first);
    }

    @Test
    void anAwaitCancelledCancelsTheAwaitedFuture() {
        boolean cancelled = loop.runUntilComplete(() -> {
            LoopFuture<String> future = loop.createFuture();
            cancelWhileWaiting(Async.spawn(future::await));
            return future.isCancelled();
        });
        assertTrue(cancelled);
    }

    @Test
    void anAwaitOfAShieldCancelledLeavesTheShieldedFuturePending() {
        List<Object> seen = loop.runUntilComplete(() -> {
            LoopFuture<String> future = loop.createFuture();
            cancelWhileWaiting(Async.spawn(() -> Async.shield(future).await()));
            boolean pending = !future.isDone();
            future.setResult("still wanted");
            return List.of(pending, future.result());
        });
        assertEquals(List.of(true, "still wanted"), seen);
    }

    @Test
    void aTaskAwaitingAnotherTaskThatIsCancelledCancelsThatTaskAndWaitsForIt() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            boolean[] cleanedUp = new boolean[1];
            Task<?> inner = Async.spawn(() -> {
                try {
                    Async.sleep(FOREVER);
                } finally {
                    Async.sleep(0.01);
                    cleanedUp[0] = true;
                }
                return null;
            });
            cancelWhileWaiting(Async.spawn(inner::await));
            return List.of(inner.isCancelled(), cleanedUp[0]);
        });
        assertEquals(List.of(true, true), seen);
    }

    // TaskGroup

    @Test
    void aTaskGroupCancelledWhileClosingCancelsItsChildrenAndRaisesOnceTheyAreDone() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            boolean[] cleanedUp = new boolean[1];
            Task<?>[] child = new Task<?>[1];
            cancelWhileWaiting(Async.spawn(() -> {
                try (TaskGroup group = new TaskGroup()) {
                    child[0] = group.spawn(() -> {
                        try {
                            Async.sleep(FOREVER);
                        } finally {
                            Async.sleep(0.01);
                            cleanedUp[0] = true;
                        }
                        return null;
                    });
                }
                return null;
            }));
            return List.of(child[0].isCancelled(), cleanedUp[0]);
        });
        assertEquals(List.of(true, true), seen);
    }

    // Subprocess

    @Test
    void aTaskGroupRunCancelledInItsBodyCancelsItsChildrenAndRaisesOnceTheyAreDone() {
        List<Boolean> seen = loop.runUntilComplete(() -> {
            boolean[] cleanedUp = new boolean[1];
            Task<?>[] child = new Task<?>[1];
            cancelWhileWaiting(Async.spawn(() -> TaskGroup.run(group -> {
                child[0] = group.spawn(() -> {
                    try {
                        Async.sleep(FOREVER);
                    } finally {
                        Async.sleep(0.01);
                        cleanedUp[0] = true;
                    }
                    return null;
                });
                Async.sleep(FOREVER);
                return null;
            })));
            return List.of(child[0].isCancelled(), cleanedUp[0]);
        });
        assertEquals(List.of(true, true), seen);
    }

    @Test
    void aWaitCancelledLeavesTheFuturesPending() {
        boolean pending = loop.runUntilComplete(() -> {
            LoopFuture<String> a = loop.createFuture();
            LoopFuture<String> b = loop.createFuture();
            cancelWhileWaiting(Async.spawn(() -> Async.wait(List.of(a, b), null, ReturnWhen.ALL_COMPLETED)));
            return !a.isDone() && !b.isDone();
        });
        assertTrue(pending);
    }

    @Test
    void aYieldCancelledRaisesTheCancellationWhenTheTaskResumes() {
        boolean raisedAtTheYield = loop.runUntilComplete(() -> {
            boolean[] passedTheYield = new boolean[1];
            Task<?> yielding = Async.spawn(() -> {
                Async.yieldNow();
                passedTheYield[0] = true;
                return null;
            });
            Async.yieldNow(); // it runs up to its yield
            yielding.cancel();
            assertThrows(CancellationException.class, yielding::await);
            return !passedTheYield[0];
        });
        assertTrue(raisedAtTheYield);
    }

    @Test
    void aSubprocessWaitForCancelledLeavesTheChildRunningAndALaterWaitForGetsItsCode() {
        List<Object> seen = loop.runUntilComplete(() -> {
            Subprocess child = Async.createSubprocessExec(List.of("cat"), SubprocessOptions.pipes());
            cancelWhileWaiting(Async.spawn(child::waitFor));
            child.stdin().write(bytes("still there\n"));
            String echoed = text(child.stdout().readLine()); // the child still runs and answers
            child.stdin().close();
            return List.of(echoed, child.waitFor());
        });
        assertEquals(List.of("still there\n", 0), seen);
    }

    @Test
    void aSubprocessStartCancelledAtAnyPointLeavesNoChildAndNoDescriptor() throws Exception {
        OpenFileDescriptors.assumeCountable();
        Set<Long> children = childPids();
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            for (int yields = 0; yields < 8; yields++) {
                Task<Subprocess> starting = Async.spawn(
                        () -> Async.createSubprocessExec(List.of("sleep", "30"), SubprocessOptions.pipes()));
                for (int i = 0; i < yields; i++) {
                    Async.yieldNow();
                }
                if (starting.isDone()) {
                    Subprocess child = starting.await();
                    child.kill();
                    child.waitFor();
                } else {
                    starting.cancel();
                    assertThrows(CancellationException.class, starting::await);
                }
            }
            settle(children);
            return null;
        });
        assertNoChildLeft(children);
        OpenFileDescriptors.assertNoMoreThan(before, "after cancelled starts");
    }

    @Test
    void aSubprocessExecFutureCancelledBeforeItIsDoneKillsTheChildAndNeverCallsTheProtocol() throws Exception {
        OpenFileDescriptors.assumeCountable();
        Set<Long> children = childPids();
        long before = OpenFileDescriptors.count();
        SubprocessTest.Recorder protocol = new SubprocessTest.Recorder();
        LoopFuture<?> starting = loop.subprocessExec(() -> protocol, List.of("sleep", "30"), SubprocessOptions.pipes());
        starting.cancel();
        loop.runUntilComplete(() -> {
            settle(children);
            return null;
        });
        assertNoChildLeft(children);
        OpenFileDescriptors.assertNoMoreThan(before, "after a cancelled start");
        assertEquals(List.of(), protocol.events);
    }

    /**
     * Runs the loop (children are started on another thread and handed to it) until no child
     * started since {@code before} has been seen for 200 ms, or ten seconds passed.
     */
    private static void settle(Set<Long> before) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int quiet = 0;
        while (quiet < 20 && System.nanoTime() < deadline) {
            Set<Long> now = childPids();
            now.removeAll(before);
            quiet = now.isEmpty() ? quiet + 1 : 0;
            Async.sleep(0.01);
        }
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Waits up to five seconds until every child started since {@code before} is gone and reaped. */
    private static void assertNoChildLeft(Set<Long> before) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Set<Long> left = childPids();
        left.removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            left = childPids();
            left.removeAll(before);
        }
        assertEquals(Set.of(), left, "children left running or unreaped");
    }

    // Async.startServer, Async.startUnixServer, connectReadPipe, connectWritePipe

    @Test
    void aStartServerCancelledAtAnyPointLeavesNothingListening() throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            startsCancelledAtEveryPoint(() -> Async.startServer(StreamsTest.ECHO, "127.0.0.1", 0, OPTIONS));
            return null;
        });
        OpenFileDescriptors.assertNoMoreThan(before, "after cancelled server starts");
    }

    @Test
    void aStartUnixServerCancelledAtAnyPointLeavesNothingListening(@TempDir Path dir) throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        loop.runUntilComplete(() -> {
            startsCancelledAtEveryPoint(() -> Async.startUnixServer(StreamsTest.ECHO, dir.resolve("s.sock"), OPTIONS));
            return null;
        });
        OpenFileDescriptors.assertNoMoreThan(before, "after cancelled server starts");
    }

    /** Cancels starts after 0, 1, 2... yields; closes the ones that finished first and waits for them. */
    private static void startsCancelledAtEveryPoint(Callable<Server> start) {
        for (int yields = 0; yields < 8; yields++) {
            Task<Server> starting = Async.spawn(start);
            for (int i = 0; i < yields; i++) {
                Async.yieldNow();
            }
            if (starting.isDone()) {
                Server server = starting.await();
                server.close();
                server.waitClosed().await();
            } else {
                starting.cancel();
                assertThrows(CancellationException.class, starting::await);
            }
        }
        letThemWait();
    }

    @Test
    void aConnectReadPipeCancelledBeforeItIsDoneClosesThePipeAndNeverCallsTheProtocol() throws Exception {
        assertCancelledPipeConnectClosesIt((pipe, protocol) -> loop.connectReadPipe(() -> protocol, pipe.source()),
                Pipe::source);
    }

    @Test
    void aConnectWritePipeCancelledBeforeItIsDoneClosesThePipeAndNeverCallsTheProtocol() throws Exception {
        assertCancelledPipeConnectClosesIt((pipe, protocol) -> loop.connectWritePipe(() -> protocol, pipe.sink()),
                Pipe::sink);
    }

    @Test
    void aConnectReadPipeOfAFifoCancelledBeforeItIsDoneClosesWhatItOpenedAndNeverCallsTheProtocol(@TempDir Path dir)
            throws Exception {
        Path fifo = PipeTransportTest.mkfifo(dir);
        assertCancelledFifoConnectsLeaveNothing(protocol -> loop.connectReadPipe(() -> protocol, fifo));
    }

    @Test
    void aConnectWritePipeOfAFifoCancelledBeforeItIsDoneClosesWhatItOpenedAndNeverCallsTheProtocol(@TempDir Path dir)
            throws Exception {
        Path fifo = PipeTransportTest.mkfifo(dir);
        java.nio.channels.FileChannel reader = PipeTransportTest.openReader(fifo);
        try {
            assertCancelledFifoConnectsLeaveNothing(protocol -> loop.connectWritePipe(() -> protocol, fifo));
        } finally {
            reader.close();
        }
    }

    /** Connects a FIFO and cancels at once, many times: no descriptor stays open and no protocol hears a thing. */
    private void assertCancelledFifoConnectsLeaveNothing(Function<HeardCalls, LoopFuture<?>> connect) throws Exception {
        OpenFileDescriptors.assumeCountable();
        long before = OpenFileDescriptors.count();
        for (int i = 0; i < soak(100); i++) {
            HeardCalls protocol = new HeardCalls();
            connect.apply(protocol).cancel();
            loop.runUntilComplete(() -> {
                letThemWait();
                return null;
            });
            assertEquals(List.of(), protocol.calls);
        }
        OpenFileDescriptors.assertNoMoreThan(before, "after cancelled FIFO connects");
    }

    /** A protocol that records which of connectionMade and connectionLost it heard. */
    private static final class HeardCalls implements dev.evloop.net.Protocol {
        final List<String> calls = new ArrayList<>();

        @Override
        public void connectionMade(dev.evloop.net.Transport transport) {
            calls.add("made");
        }

        @Override
        public void connectionLost(Throwable cause) {
            calls.add("lost");
        }
    }

    /** Connects one end of a new pipe, cancels at once: that end is closed and the protocol never hears a thing. */
    private void assertCancelledPipeConnectClosesIt(BiFunction<Pipe, HeardCalls, LoopFuture<?>> connect,
            Function<Pipe, java.nio.channels.Channel> end) throws Exception {
        Pipe pipe = Pipe.open();
        try {
            HeardCalls protocol = new HeardCalls();
            connect.apply(pipe, protocol).cancel();
            loop.runUntilComplete(() -> {
                letThemWait();
                return null;
            });
            assertFalse(end.apply(pipe).isOpen(), "the pipe is closed");
            assertEquals(List.of(), protocol.calls);
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    // The loop's own create* futures, cancelled before they are done

    @Test
    void aCreateServerFutureCancelledAtAnyPointLeavesNothingListening() throws Exception {
        assertNothingLeftByCancelled(() -> loop.createServer(() -> new dev.evloop.net.BaseProtocol() { },
                "127.0.0.1", 0, OPTIONS), Server::close);
    }

    @Test
    void aCreateConnectionFutureCancelledAtAnyPointLeavesNoConnectionOpen() throws Exception {
        OpenFileDescriptors.assumeCountable();
        Server echo = loop.runUntilComplete(() -> Async.startServer(StreamsTest.ECHO, "127.0.0.1", 0, OPTIONS));
        try {
            assertNothingLeftByCancelled(() -> loop.createConnection(() -> new dev.evloop.net.BaseProtocol() { },
                    "127.0.0.1", port(echo), OPTIONS), c -> c.transport().close());
        } finally {
            echo.close();
        }
    }

    @Test
    void aCreateUnixServerFutureCancelledAtAnyPointLeavesNothingListening(@TempDir Path dir) throws Exception {
        assertNothingLeftByCancelled(() -> loop.createUnixServer(() -> new dev.evloop.net.BaseProtocol() { },
                dir.resolve("u.sock"), OPTIONS), Server::close);
    }

    @Test
    void aCreateDatagramEndpointFutureCancelledAtAnyPointLeavesNoSocketOpen() throws Exception {
        assertNothingLeftByCancelled(() -> loop.createDatagramEndpoint(() -> new dev.evloop.net.DatagramProtocol() { },
                new InetSocketAddress("127.0.0.1", 0), null, OPTIONS), e -> e.transport().close());
    }

    /**
     * Cancels futures of {@code open} at every point (see {@link #futuresCancelledAtEveryPoint})
     * and asserts that the descriptors are back where they were, giving the loop time to finish
     * closes (an echo server closes its side on our EOF).
     */
    private <T> void assertNothingLeftByCancelled(java.util.function.Supplier<LoopFuture<T>> open,
                                                  java.util.function.Consumer<T> close) throws Exception {
        OpenFileDescriptors.assumeCountable();
        long left = loop.runUntilComplete(() -> {
            long before = OpenFileDescriptors.count();
            futuresCancelledAtEveryPoint(open, close);
            for (int i = 0; i < 500 && OpenFileDescriptors.count() > before; i++) {
                Async.sleep(0.01);
            }
            return Math.max(0, OpenFileDescriptors.count() - before); // fewer: an earlier test's resource closed
        });
        assertEquals(0, left, "descriptors left open by cancelled futures");
    }

    /** Cancels the future after 0, 1, 2... yields; closes what was done first. */
    private static <T> void futuresCancelledAtEveryPoint(java.util.function.Supplier<LoopFuture<T>> open,
                                                         java.util.function.Consumer<T> close) {
        for (int yields = 0; yields < 8; yields++) {
            LoopFuture<T> opening = open.get();
            for (int i = 0; i < yields; i++) {
                Async.yieldNow();
            }
            if (opening.isDone()) {
                close.accept(opening.result());
            } else {
                opening.cancel();
            }
        }
        letThemWait();
    }
}
