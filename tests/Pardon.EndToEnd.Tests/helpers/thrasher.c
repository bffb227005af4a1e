/* This file is part of Pardon, a userspace OOM killer for Linux.
 *
 * thrasher: makes a memory cgroup stall for Pardon's stall (PSI) tests. It keeps a working set larger
 * than its cgroup's limit and touches every page of it in a loop, so the kernel reclaims and refaults
 * without end: swapping anonymous pages out and in (with swap), or evicting and re-reading a file's
 * page cache (--file). Nothing is allocated beyond the working set, so it neither grows nor dies: the
 * cgroup just stalls, which is what a desktop user sees as a freeze.
 *
 *   thrasher --mib N [--file PATH [--prepare] [--anon-mib A]] [--random [--hot-mib H]] [--for-ms N]
 *
 *   --mib N     the working set, in MiB
 *   --file P    map P (at least N MiB, created and filled if shorter) and read it instead of anonymous
 *               memory: page-cache thrashing, no swap needed. Implies --random.
 *   --prepare   with --file: create and fill the file, print "prepared", and exit (run it outside the
 *               test's cgroup, so writing the file is not charged there)
 *   --random    touch the pages in a pseudo-random order instead of one after the other. A page read
 *               back soon after its eviction counts as a refault of the working set (mm/workingset.c,
 *               workingset_test_recent(): refault distance within the active file list) and its wait as
 *               a memory stall; a plain cycle through a file larger than memory evicts every page long
 *               before its next use, so the kernel sees a stream, not thrashing, and no stall at all.
 *   --hot-mib H with --random: seven touches in eight go to the first H MiB, the rest anywhere. The hot
 *               part becomes the active working set and the cold touches keep evicting it: each refault
 *               restores a working-set page, and waiting for it is a memory stall (mm/filemap.c,
 *               folio_wait_bit_common(): PG_workingset)
 *   --anon-mib A with --file: first allocate and touch A MiB of anonymous memory and keep it. Without
 *               swap it cannot be reclaimed, so the file's pages fight over what the limit leaves — a
 *               desktop without swap whose programs' own pages keep being evicted and read back.
 *   --for-ms N  thrash for N ms only, then release the working set and sleep (a burst)
 *
 * Prints "started PID" at once, "thrashing PID" once the working set is in place (first pass done),
 * "calm PID" after a burst ends, then sleeps until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what)
{
    fprintf(stderr, "thrasher: %s: %s\n", what, strerror(errno));
    return 4;
}

static int prepare_file(const char *path, size_t bytes)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if ((size_t)st.st_size < bytes) {
        /* Real blocks with data, not a sparse hole: reading a hole costs no I/O and so never stalls. */
        char block[1 << 16];
        memset(block, 0x5a, sizeof block);
        if (lseek(fd, 0, SEEK_SET) != 0)
            return -1;
        for (size_t done = 0; done < bytes; done += sizeof block) {
            if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
                return -1;
        }
        fsync(fd);
    }
    /* Start cold: pages left in the page cache by the writes, or by an earlier run, stay charged to whichever
     * cgroup read them first, never to ours, and would be read without a fault or a stall. */
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    return fd;
}

int main(int argc, char **argv)
{
    long mib = 0, for_ms = 0, hot_mib = 0, anon_mib = 0;
    const char *file = NULL;
    int random_order = 0, prepare_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mib") && i + 1 < argc)
            mib = atol(argv[++i]);
        else if (!strcmp(argv[i], "--file") && i + 1 < argc)
            file = argv[++i];
        else if (!strcmp(argv[i], "--for-ms") && i + 1 < argc)
            for_ms = atol(argv[++i]);
        else if (!strcmp(argv[i], "--anon-mib") && i + 1 < argc)
            anon_mib = atol(argv[++i]);
        else if (!strcmp(argv[i], "--hot-mib") && i + 1 < argc)
            hot_mib = atol(argv[++i]);
        else if (!strcmp(argv[i], "--random"))
            random_order = 1;
        else if (!strcmp(argv[i], "--prepare"))
            prepare_only = 1;
        else {
            fprintf(stderr, "usage: thrasher --mib N [--file PATH [--prepare]] [--anon-mib A] [--random [--hot-mib H]] [--for-ms N]\n");
            return 2;
        }
    }
    if (mib <= 0) {
        fprintf(stderr, "thrasher: --mib must be positive\n");
        return 2;
    }

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("started %d\n", getpid());
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t bytes = (size_t)mib << 20;
    volatile char *mem;
    if (file) {
        int fd = prepare_file(file, bytes);
        if (fd < 0)
            return fail(file);
        if (prepare_only) {
            printf("prepared %s\n", file);
            return 0;
        }
        random_order = 1;
        if (anon_mib > 0) {
            size_t anon_bytes = (size_t)anon_mib << 20;
            char *anon = mmap(NULL, anon_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (anon == MAP_FAILED)
                return fail("mmap anon");
            for (size_t off = 0; off < anon_bytes; off += page)
                anon[off] = 1;
        }
        mem = mmap(NULL, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        close(fd);
    } else {
        mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (mem == MAP_FAILED)
        return fail("mmap");
    /* No readahead: each fault brings one page, like a program's scattered accesses. */
    madvise((void *)mem, bytes, MADV_RANDOM);

    double start = now_ms();
    unsigned long sum = 0;
    const size_t pages = bytes / page;
    const size_t hot_pages = hot_mib > 0 && (size_t)hot_mib < (size_t)mib ? ((size_t)hot_mib << 20) / page : pages;
    uint64_t state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull + 1;
    for (long pass = 0;; pass++) {
        for (size_t i = 0; i < pages; i++) {
            size_t p = i;
            if (random_order && (pass > 0 || file)) {
                /* xorshift64*: cheap, and every page equally likely */
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                uint64_t r = (state * 0x2545F4914F6CDD1Dull) >> 11;
                p = (size_t)((r >> 4) % ((r & 15) < 14 ? hot_pages : pages));
            }
            if (file)
                sum += mem[p * page];
            else
                mem[p * page] = (char)pass;
        }
        if (pass == 0)
            printf("thrashing %d\n", getpid());
        if (for_ms > 0 && now_ms() - start >= for_ms)
            break;
    }

    munmap((void *)mem, bytes);
    printf("calm %d %lu\n", getpid(), sum & 1);
    for (;;)
        pause();
}
