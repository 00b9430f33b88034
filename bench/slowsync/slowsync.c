/* LD_PRELOAD shim for bench/persistence.py --slow-fsync-us: makes fsync and fdatasync take
 * SLOW_FSYNC_US microseconds longer (after the real call), to model a disk whose cache flush
 * is slower than this VM's (~0.2 ms). The same shim is loaded into both servers, so the
 * comparison stays fair: redis blocks its event loop for the longer flush, ferrodis its AOF
 * writer thread. Built on demand by the bench with `cc -shared -fPIC -O2 -o slowsync.so
 * slowsync.c -ldl`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void slow_down(void) {
    const char *s = getenv("SLOW_FSYNC_US");
    long us = s ? atol(s) : 0;
    if (us > 0) {
        struct timespec t = {us / 1000000, (us % 1000000) * 1000};
        nanosleep(&t, NULL);
    }
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int r = real(fd);
    slow_down();
    return r;
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int r = real(fd);
    slow_down();
    return r;
}
