/*
 * The echo comparison's floor: an echo server in C on Linux's epoll, one thread, level-triggered,
 * no runtime, no allocation per message. What it measures is what the host, its kernel and the
 * load client give an echo that adds nothing of its own, so that a figure no server reaches is
 * read as the host's. EchoProcesses compiles it with the system's C compiler (cc -O2) and runs it
 * like the JVM servers: it prints the address it listens on, then serves until killed.
 *
 * usage: echo-floor PORT   (0 for any free port; 127.0.0.1 only)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK (256 * 1024)

/* Bytes of one connection's echo the socket has not taken yet: while any are left, the
 * connection waits for writability and is not read, as a server with backpressure does. */
struct pending {
    char *bytes;
    size_t length;
};

static struct pending *pendings;
static int pendings_size;

static struct pending *pending_of(int fd) {
    if (fd >= pendings_size) {
        int size = pendings_size == 0 ? 1024 : pendings_size;
        while (size <= fd) {
            size *= 2;
        }
        pendings = realloc(pendings, sizeof *pendings * size);
        if (pendings == NULL) {
            perror("realloc");
            exit(1);
        }
        memset(pendings + pendings_size, 0, sizeof *pendings * (size - pendings_size));
        pendings_size = size;
    }
    return &pendings[fd];
}

static void drop(int ep, int fd) {
    struct pending *p = pending_of(fd);
    free(p->bytes);
    memset(p, 0, sizeof *p);
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
}

static void watch(int ep, int fd, unsigned events, int op) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    if (epoll_ctl(ep, op, fd, &ev) != 0) {
        perror("epoll_ctl");
        exit(1);
    }
}

/* Writes what the socket takes of bytes[0..n); keeps the rest and waits for writability.
 * Returns -1 if the connection failed (and is closed). */
static int send_or_keep(int ep, int fd, const char *bytes, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, bytes + off, n - off);
        if (w > 0) {
            off += (size_t) w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno == EAGAIN) {
            struct pending *p = pending_of(fd);
            size_t rest = n - off;
            char *kept = malloc(rest);
            if (kept == NULL) {
                perror("malloc");
                exit(1);
            }
            memcpy(kept, bytes + off, rest);
            free(p->bytes);
            p->bytes = kept;
            p->length = rest;
            watch(ep, fd, EPOLLOUT, EPOLL_CTL_MOD);
            return 0;
        } else {
            drop(ep, fd);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    static char buf[READ_CHUNK];
    int one = 1;
    if (argc != 2) {
        fprintf(stderr, "usage: echo-floor PORT\n");
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(argv[1])),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *) &address, sizeof address) != 0 || listen(listener, 1024) != 0
            || getsockname(listener, (struct sockaddr *) &address, &length) != 0) {
        perror("listen");
        return 1;
    }
    printf("echo (c on epoll) listening on /127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);
    int ep = epoll_create1(0);
    watch(ep, listener, EPOLLIN, EPOLL_CTL_ADD);
    struct epoll_event events[512];
    for (;;) {
        int n = epoll_wait(ep, events, 512, -1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int c;
                while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    watch(ep, c, EPOLLIN, EPOLL_CTL_ADD);
                }
                continue;
            }
            struct pending *p = pending_of(fd);
            if (p->bytes != NULL) { /* writable again: send what was kept, then read again */
                char *kept = p->bytes; /* p may move: send_or_keep can grow the table */
                size_t length = p->length;
                p->bytes = NULL;
                watch(ep, fd, EPOLLIN, EPOLL_CTL_MOD);
                send_or_keep(ep, fd, kept, length);
                free(kept);
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r > 0) {
                send_or_keep(ep, fd, buf, (size_t) r);
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                drop(ep, fd);
            }
        }
    }
}
