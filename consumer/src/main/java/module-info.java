/**
 * The consumer check's program: a user's module that needs evloop's API only. Its backend (here
 * loop-epoll, its one dependency) is found through the backend's {@code provides}.
 */
module example.consumer {
    requires dev.evloop;
}
