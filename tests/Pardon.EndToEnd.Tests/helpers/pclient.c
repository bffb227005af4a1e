/* This file is part of Pardon, a userspace OOM killer for Linux.
 *
 * pclient: a hostile (or merely raw) client of the pardon socket for Pardon's end-to-end tests. Written in
 * C so that a flood costs the tests nothing and starts at once, under any uid (setpriv).
 *
 *   pclient SOCKET once LINE                   send LINE, print the answer line, exit 0 (1 if none)
 *   pclient SOCKET flood CONNS SECONDS LINE    CONNS processes each send LINE and read the answer, as fast
 *                                              as possible, reconnecting whenever the daemon closes
 *   pclient SOCKET hold CONNS SECONDS          CONNS connections that send nothing (a silent client each)
 *   pclient SOCKET trickle CONNS SECONDS MS LINE
 *                                              CONNS connections that each send LINE every MS milliseconds
 *                                              (reconnecting when closed), as a slow client keeping its slot
 *
 * Prints "started PID" once every connection (or process) is up. flood, hold and trickle print one summary
 * line per process at the end: "summary sent N answered A busy B closed C" (answers by code: busy
 * counted apart), then exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *g_path;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, g_path, sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_line(int fd, const char *line)
{
    size_t len = strlen(line);
    char buf[8192];
    if (len + 1 > sizeof buf)
        return -1;
    memcpy(buf, line, len);
    buf[len] = '\n';
    size_t sent = 0;
    while (sent < len + 1) {
        ssize_t n = send(fd, buf + sent, len + 1 - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return -1;
        sent += (size_t)n;
    }
    return 0;
}

/* Reads one line (up to the newline) within timeout_ms; returns its length, -1 when closed or timed out. */
static int read_line(int fd, char *out, size_t cap, int timeout_ms)
{
    size_t used = 0;
    double deadline = now_s() + timeout_ms / 1000.0;
    while (used + 1 < cap) {
        int left = (int)((deadline - now_s()) * 1000);
        if (left < 0)
            return -1;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int rc = poll(&p, 1, left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        ssize_t n = recv(fd, out + used, 1, 0);
        if (n <= 0)
            return -1;
        if (out[used] == '\n') {
            out[used] = 0;
            return (int)used;
        }
        used++;
    }
    return -1;
}

struct counts {
    long sent, answered, busy, closed;
};

static void count_answer(struct counts *c, const char *answer)
{
    c->answered++;
    if (strstr(answer, "\"code\":\"busy\""))
        c->busy++;
}

static void print_summary(const struct counts *c)
{
    printf("summary sent %ld answered %ld busy %ld closed %ld\n", c->sent, c->answered, c->busy, c->closed);
    fflush(stdout);
}

/* One flooding process: send, read the answer, again; reconnect when the daemon closes. */
static void flood_one(double until, const char *line)
{
    struct counts c = { 0 };
    char answer[65536];
    while (now_s() < until) {
        int fd = connect_socket();
        if (fd < 0) {
            c.closed++;
            usleep(1000);
            continue;
        }
        while (now_s() < until) {
            if (send_line(fd, line) != 0)
                break;
            c.sent++;
            if (read_line(fd, answer, sizeof answer, 10000) < 0)
                break;
            count_answer(&c, answer);
        }
        c.closed++;
        close(fd);
    }
    print_summary(&c);
}

/* One slow client: a line every ms milliseconds (never, for hold), reconnecting when closed. */
static void trickle_one(double until, int every_ms, const char *line)
{
    struct counts c = { 0 };
    char answer[65536];
    int fd = -1;
    while (now_s() < until) {
        if (fd < 0) {
            fd = connect_socket();
            if (fd < 0) {
                c.closed++;
                usleep(20000);
                continue;
            }
        }
        int wait_ms = every_ms > 0 ? every_ms : 100;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int rc = poll(&p, 1, wait_ms);
        if (rc > 0) {
            /* The daemon said something on its own (busy, a timeout) or closed: note it, reconnect. */
            if (read_line(fd, answer, sizeof answer, 1000) >= 0)
                count_answer(&c, answer);
            c.closed++;
            close(fd);
            fd = -1;
            continue;
        }
        if (every_ms > 0) {
            if (send_line(fd, line) != 0) {
                c.closed++;
                close(fd);
                fd = -1;
                continue;
            }
            c.sent++;
            if (read_line(fd, answer, sizeof answer, 10000) < 0) {
                c.closed++;
                close(fd);
                fd = -1;
                continue;
            }
            count_answer(&c, answer);
        }
    }
    if (fd >= 0)
        close(fd);
    print_summary(&c);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pclient SOCKET once LINE | flood CONNS SECONDS LINE | hold CONNS SECONDS | trickle CONNS SECONDS MS LINE\n");
        return 2;
    }
    g_path = argv[1];
    const char *mode = argv[2];
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(mode, "once") && argc == 4) {
        int fd = connect_socket();
        if (fd < 0) {
            fprintf(stderr, "pclient: cannot connect to %s: %s\n", g_path, strerror(errno));
            return 1;
        }
        char answer[65536];
        if (send_line(fd, argv[3]) != 0 || read_line(fd, answer, sizeof answer, 10000) < 0) {
            fprintf(stderr, "pclient: no answer\n");
            return 1;
        }
        printf("%s\n", answer);
        return 0;
    }

    int conns, every_ms = 0;
    double seconds;
    const char *line = NULL;
    if (!strcmp(mode, "flood") && argc == 6) {
        line = argv[5];
    } else if (!strcmp(mode, "hold") && argc == 5) {
    } else if (!strcmp(mode, "trickle") && argc == 7) {
        every_ms = atoi(argv[5]);
        line = argv[6];
    } else {
        fprintf(stderr, "pclient: bad arguments for %s\n", mode);
        return 2;
    }
    conns = atoi(argv[3]);
    seconds = atof(argv[4]);
    double until = now_s() + seconds;
    pid_t parent = getpid();
    for (int i = 0; i < conns; i++) {
        pid_t child = fork();
        if (child < 0) {
            fprintf(stderr, "pclient: fork: %s\n", strerror(errno));
            return 3;
        }
        if (child == 0) {
            /* Killing pclient (by its pid) ends every connection it made. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(0);
            if (!strcmp(mode, "flood"))
                flood_one(until, line);
            else
                trickle_one(until, every_ms, line);
            _exit(0);
        }
    }
    printf("started %d\n", (int)getpid());
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    return 0;
}
