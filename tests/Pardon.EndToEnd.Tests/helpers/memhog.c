/* This file is part of Pardon, a userspace OOM killer for Linux.
 *
 * memhog: allocates and touches anonymous memory for Pardon's end-to-end tests, which run it inside
 * memory cgroups with small limits. Written in C so that its own footprint (about 1 MiB) does not
 * blur the sizes the tests set up.
 *
 *   memhog [--mib N] [--rate MIB_PER_S] [--step-mib N] [--adj N] [--ignore-term] [--delay-ms N]
 *          [--stdin-pages] [--cpu N] [--sched-idle] [--zombie-leader] [--fork N] [--child-adj N]
 *
 *   --mib N          allocate N MiB in total (0: keep allocating until killed)
 *   --rate R         allocate at R MiB/s (0: as fast as possible)
 *   --step-mib N     allocation step (default 1 MiB)
 *   --adj N          write N to /proc/self/oom_score_adj first
 *   --ignore-term    ignore SIGTERM (only SIGKILL ends it)
 *   --delay-ms N     wait N ms (after printing "started") before allocating
 *   --stdin-pages    after "ready", read page counts from standard input, one per line: touch that many
 *                    more pages (of the system's page size) and answer "pages TOTAL" (pages touched this
 *                    way so far); exit 0 at the end of input. Without --mib nothing is allocated first.
 *                    Two more commands: "memfd N" writes N more pages into a memfd it holds open but never
 *                    maps (memory outside its RSS) and answers "memfd TOTAL"; "exec PATH ARGS..." execs PATH
 *                    (the same process becomes another program).
 *   --cpu N          run on CPU N only (sched_setaffinity)
 *   --sched-idle     run under SCHED_IDLE: any ordinary task on the same CPU preempts it
 *   --zombie-leader  allocate in a second thread and let the main thread exit (pthread_exit): the process
 *                    lives on with a zombie leader, as the kernel's find_lock_task_mm() case
 *   --fork N         once the target is reached, fork N children that write every allocated page once (a
 *                    private copy each, so killing one frees its memory) and wait: their memory counters are
 *                    identical (the kernel's badness ties between them); each prints "child PID"
 *   --child-adj N    the children write N to their oom_score_adj
 *
 * Prints "started PID" when running and "ready PID" once the target is reached, then sleeps forever
 * (or, with --stdin-pages, serves its input).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* --stdin-pages: grow page by page on request, so a test can walk a process's size across a boundary. */
static int serve_stdin_pages(void)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t chunk_pages = 16384;
    char *chunk = NULL;
    size_t used = chunk_pages;
    long total = 0;
    char line[1024];
    int memfd = -1;
    long memfd_pages = 0;
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "memfd ", 6)) {
            long m = atol(line + 6);
            if (memfd < 0 && (memfd = memfd_create("memhog", 0)) < 0) {
                fprintf(stderr, "memhog: memfd_create: %s\n", strerror(errno));
                return 4;
            }
            char *page_buf = calloc(1, page);
            memset(page_buf, 1, page);
            for (long i = 0; i < m; i++) {
                if (pwrite(memfd, page_buf, page, (off_t)(memfd_pages * page)) != (ssize_t)page) {
                    fprintf(stderr, "memhog: memfd write: %s\n", strerror(errno));
                    return 4;
                }
                memfd_pages++;
            }
            free(page_buf);
            printf("memfd %ld\n", memfd_pages);
            continue;
        }
        if (!strncmp(line, "exec ", 5)) {
            char *args[32];
            int k = 0;
            line[strcspn(line, "\n")] = 0;
            for (char *tok = strtok(line + 5, " "); tok && k < 31; tok = strtok(NULL, " "))
                args[k++] = tok;
            args[k] = NULL;
            if (k > 0)
                execv(args[0], args);
            fprintf(stderr, "memhog: exec: %s\n", strerror(errno));
            return 4;
        }
        long n = atol(line);
        for (long i = 0; i < n; i++) {
            if (used == chunk_pages) {
                chunk = mmap(NULL, chunk_pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (chunk == MAP_FAILED) {
                    fprintf(stderr, "memhog: mmap: %s\n", strerror(errno));
                    return 4;
                }
                used = 0;
            }
            chunk[used++ * page] = 1;
            total++;
        }
        printf("pages %ld\n", total);
    }
    return 0;
}

static long g_mib, g_step;
static double g_rate;
static int g_stdin_pages, g_have_mib, g_fork, g_child_adj, g_have_child_adj;
static char *g_chunks[8192];
static long g_nchunks;
static size_t g_chunk_size;

static int write_adj(int adj)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%d", adj);
    if (fd < 0 || write(fd, buf, n) != n) {
        fprintf(stderr, "memhog: cannot set oom_score_adj %d: %s\n", adj, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/* A forked child: its own copy of every page (copy-on-write), then wait. */
static void child_main(void)
{
    if (g_have_child_adj && write_adj(g_child_adj) != 0)
        _exit(3);
    for (long c = 0; c < g_nchunks; c++)
        for (size_t off = 0; off < g_chunk_size; off += 4096)
            g_chunks[c][off] = 2;
    for (;;)
        pause();
}

/* The allocation loop, then "ready"; on the main thread, or on a second one with --zombie-leader. */
static void *allocate(void *unused)
{
    (void)unused;
    long mib = g_mib, step = g_step;
    double rate = g_rate;
    int stdin_pages = g_stdin_pages, have_mib = g_have_mib;
    size_t chunk = (size_t)step << 20;
    long done = 0;
    double t0 = now_s();
    while ((mib == 0 && !(stdin_pages && !have_mib)) || done < mib) {
        char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "memhog: mmap: %s\n", strerror(errno));
            sleep_s(0.01);
            continue;
        }
        /* Touch every page with a non-zero byte so each one is really charged. */
        for (size_t off = 0; off < chunk; off += 4096)
            p[off] = 1;
        if (g_nchunks < (long)(sizeof g_chunks / sizeof g_chunks[0]))
            g_chunks[g_nchunks++] = p;
        g_chunk_size = chunk;
        done += step;
        if (rate > 0)
            sleep_s(t0 + done / rate - now_s());
    }
    for (int i = 0; i < g_fork; i++) {
        fflush(stdout);
        pid_t child = fork();
        if (child == 0)
            child_main();
        if (child > 0)
            printf("child %d\n", (int)child);
    }
    printf("ready %d\n", (int)getpid());
    if (stdin_pages)
        exit(serve_stdin_pages());
    for (;;)
        pause();
    return NULL;
}

int main(int argc, char **argv)
{
    long mib = 0, step = 1, delay_ms = 0;
    double rate = 0;
    int ignore_term = 0, have_adj = 0, adj = 0, have_mib = 0, stdin_pages = 0, cpu = -1, sched_idle = 0, zombie_leader = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
            mib = atol(argv[++i]);
            have_mib = 1;
        } else if (!strcmp(argv[i], "--stdin-pages"))
            stdin_pages = 1;
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
            cpu = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--sched-idle"))
            sched_idle = 1;
        else if (!strcmp(argv[i], "--zombie-leader"))
            zombie_leader = 1;
        else if (!strcmp(argv[i], "--fork") && i + 1 < argc)
            g_fork = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--child-adj") && i + 1 < argc) {
            g_child_adj = atoi(argv[++i]);
            g_have_child_adj = 1;
        }
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
            rate = atof(argv[++i]);
        else if (!strcmp(argv[i], "--step-mib") && i + 1 < argc)
            step = atol(argv[++i]);
        else if (!strcmp(argv[i], "--adj") && i + 1 < argc) {
            adj = atoi(argv[++i]);
            have_adj = 1;
        } else if (!strcmp(argv[i], "--ignore-term"))
            ignore_term = 1;
        else if (!strcmp(argv[i], "--delay-ms") && i + 1 < argc)
            delay_ms = atol(argv[++i]);
        else {
            fprintf(stderr, "memhog: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (step < 1)
        step = 1;

    if (have_adj && write_adj(adj) != 0)
        return 3;
    if (ignore_term)
        signal(SIGTERM, SIG_IGN);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            fprintf(stderr, "memhog: cannot run on CPU %d: %s\n", cpu, strerror(errno));
            return 3;
        }
    }
    if (sched_idle) {
        struct sched_param param = { 0 };
        if (sched_setscheduler(0, SCHED_IDLE, &param) != 0) {
            fprintf(stderr, "memhog: cannot switch to SCHED_IDLE: %s\n", strerror(errno));
            return 3;
        }
    }

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("started %d\n", (int)getpid());
    sleep_s(delay_ms / 1000.0);

    g_mib = mib;
    g_step = step;
    g_rate = rate;
    g_stdin_pages = stdin_pages;
    g_have_mib = have_mib;
    if (zombie_leader) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, allocate, NULL) != 0) {
            fprintf(stderr, "memhog: cannot start a thread\n");
            return 3;
        }
        pthread_exit(NULL); /* the leader becomes a zombie; the process lives on in its thread */
    }
    allocate(NULL);
    return 0;
}
