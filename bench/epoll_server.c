/* epoll_server: the hand-written speed limit for hello_server.
 *
 * One thread, one level-triggered epoll set, non-blocking sockets and a 1 KiB
 * buffer per connection: what a careful C programmer writes for the protocol,
 * and what bench/compare measures hello_server against. Same greeting, same
 * raw and line framing as hello_server (src/protocol/framing.hpp), same "exit".
 * Simplifications, fine for a benchmark and documented here: messages are at
 * most 1023 bytes, and a client that leaves its replies unread until the
 * socket buffer is full is dropped instead of waited for.
 *
 * Usage: epoll_server [--port N]   (0: the OS chooses; prints the port) */

#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { buffer_size = 1024, max_events = 256, reply_room = 16 * buffer_size };

static const char greeting[] = "Welcome!";

struct connection {
    int fd;
    bool line_framing;       /* switched on by the first '\n' the client sends */
    bool first_line_pending; /* the next line reply also ends the greeting's line */
    unsigned short pending;  /* bytes of an unfinished line at the start of buffer */
    char buffer[buffer_size];
};

struct replies {
    char bytes[reply_room];
    size_t size;
};

static void append(struct replies* out, const char* bytes, size_t size)
{
    memcpy(out->bytes + out->size, bytes, size);
    out->size += size;
}

static void append_hello(struct replies* out, const char* name, size_t size, bool line)
{
    append(out, "Hello, ", 7);
    append(out, name, size);
    append(out, line ? "!\n" : "!", line ? 2 : 1);
}

static bool is_exit(const char* message, size_t size)
{
    return size == 4 && memcmp(message, "exit", 4) == 0;
}

static void close_connection(struct connection* c)
{
    close(c->fd); /* also removes it from the epoll set */
    free(c);
}

/* Sends everything at once; a reply the socket buffer cannot take means the
 * client stopped reading, and it is dropped. */
static bool send_all(struct connection* c, const struct replies* out)
{
    if (out->size == 0) {
        return true;
    }
    return send(c->fd, out->bytes, out->size, MSG_NOSIGNAL) == (ssize_t)out->size;
}

/* Answers every whole line in buffer[0, size) and keeps the unfinished rest;
 * at the end of the stream the rest is a last line. False: close. */
static bool answer_lines(struct connection* c, size_t size, struct replies* out, bool end_of_stream)
{
    size_t start = 0;
    while (start < size) {
        const char* newline = memchr(c->buffer + start, '\n', size - start);
        if (newline == NULL && !end_of_stream) {
            break;
        }
        const size_t end = newline ? (size_t)(newline - c->buffer) : size;
        size_t length = end - start;
        if (length > 0 && c->buffer[start + length - 1] == '\r') {
            --length;
        }
        if (is_exit(c->buffer + start, length)) {
            send_all(c, out);
            return false;
        }
        if (c->first_line_pending) {
            append(out, "\n", 1);
            c->first_line_pending = false;
        }
        append_hello(out, c->buffer + start, length, true);
        start = end + 1;
    }
    if (end_of_stream) {
        send_all(c, out);
        return false;
    }
    c->pending = (unsigned short)(size - start);
    memmove(c->buffer, c->buffer + start, c->pending);
    if (c->pending == buffer_size) {
        if (c->first_line_pending) {
            append(out, "\n", 1);
        }
        static const char too_long[] = "error: message too long\n";
        append(out, too_long, sizeof too_long - 1);
        send_all(c, out);
        return false;
    }
    return send_all(c, out);
}

/* One read, the replies to it in one write. False: close the connection. */
static bool serve(struct connection* c)
{
    static struct replies out;
    out.size = 0;
    ssize_t got = recv(c->fd, c->buffer + c->pending, buffer_size - c->pending, 0);
    if (got < 0) {
        return errno == EAGAIN || errno == EINTR;
    }
    if (got == 0) {
        return c->line_framing && c->pending > 0 ? answer_lines(c, c->pending, &out, true) : false;
    }
    size_t size = c->pending + (size_t)got;
    if (!c->line_framing && memchr(c->buffer, '\n', size) != NULL) {
        c->line_framing = true;
        c->first_line_pending = true;
    }
    if (c->line_framing) {
        return answer_lines(c, size, &out, false);
    }
    if (is_exit(c->buffer, size)) {
        return false;
    }
    append_hello(&out, c->buffer, size, false);
    return send_all(c, &out);
}

static void accept_clients(int listener, int epoll)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return; /* EAGAIN: all taken; EMFILE and friends: try at the next wakeup */
        }
        const int yes = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        struct connection* c = calloc(1, sizeof *c);
        if (c == NULL || send(fd, greeting, sizeof greeting - 1, MSG_NOSIGNAL) < 0) {
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
            close_connection(c);
        }
    }
}

static int listen_on(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int yes = 1;
    struct sockaddr_in address = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
        bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr*)&address, &length) != 0) {
        perror("epoll_server: cannot listen on 127.0.0.1");
        exit(1);
    }
    fprintf(stderr, "Listening on 127.0.0.1:%u\n", ntohs(address.sin_port));
    return fd;
}

static unsigned short port_from(int argc, char** argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage: epoll_server [--port N]\nhello_server's protocol on 127.0.0.1, "
               "one thread and epoll (default port 9999; 0: the OS chooses).\n");
        exit(0);
    }
    if (argc == 1) {
        return 9999;
    }
    char* end = NULL;
    long port = argc == 3 && strcmp(argv[1], "--port") == 0 ? strtol(argv[2], &end, 10) : -1;
    if (end == NULL || *end != '\0' || end == argv[2] || port < 0 || port > 65535) {
        fprintf(stderr, "epoll_server: usage: epoll_server [--port N]\n");
        exit(2);
    }
    return (unsigned short)port;
}

int main(int argc, char** argv)
{
    const int listener = listen_on(port_from(argc, argv));
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) != 0) {
        perror("epoll_server: epoll");
        return 1;
    }
    struct epoll_event events[max_events];
    for (;;) {
        int ready = epoll_wait(epoll, events, max_events, -1);
        for (int i = 0; i < ready; ++i) {
            struct connection* c = events[i].data.ptr;
            if (c == NULL) {
                accept_clients(listener, epoll);
            } else if (!serve(c)) {
                close_connection(c);
            }
        }
    }
}
