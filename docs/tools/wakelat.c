// Wake-up latency: a waker thread stamps the time and FUTEX_WAKEs a wakee blocked in
// FUTEX_WAIT; the wakee stamps the time when it runs. Prints the distribution of
// (wakee runs - waker stamps) in microseconds, and timer overshoot of a 1 ms futex timed wait.
//
// usage: wakelat WAKER_CPU WAKEE_CPU [SPIN_CPU|-1] [N]
//   SPIN_CPU >= 0 starts a CPU-bound thread pinned there (a busy target CPU).
// build: gcc -O2 -pthread -o wakelat wakelat.c
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int word;
static atomic_long stamp;
static atomic_int stop;
static long lat[100000];
static int n;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}
static void pin(int cpu) {
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}
static int cpu_a, cpu_b, cpu_s;

static void *spinner(void *arg) {
    (void)arg;
    pin(cpu_s);
    volatile unsigned long x = 0;
    while (!atomic_load(&stop)) x++;
    return NULL;
}
static void *wakee(void *arg) {
    (void)arg;
    pin(cpu_b);
    for (int i = 0; i < n; i++) {
        while (atomic_load(&word) == 0)
            syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        long t = now_ns();
        lat[i] = t - atomic_load(&stamp);
        atomic_store(&word, 0);
    }
    return NULL;
}
static int cmp(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}
static void report(const char *what, long *v, int k) {
    qsort(v, k, sizeof *v, cmp);
    printf("%s n=%d  p5 %.1f  p25 %.1f  median %.1f  p75 %.1f  p95 %.1f  p99 %.1f us\n", what, k,
           v[k * 5 / 100] / 1e3, v[k / 4] / 1e3, v[k / 2] / 1e3, v[k * 3 / 4] / 1e3,
           v[k * 95 / 100] / 1e3, v[k * 99 / 100] / 1e3);
}
int main(int argc, char **argv) {
    cpu_a = argc > 1 ? atoi(argv[1]) : 0;
    cpu_b = argc > 2 ? atoi(argv[2]) : 1;
    cpu_s = argc > 3 ? atoi(argv[3]) : -1;
    n = argc > 4 ? atoi(argv[4]) : 2000;
    pthread_t ts, tb;
    if (cpu_s >= 0) pthread_create(&ts, NULL, spinner, NULL);
    pin(cpu_a);
    pthread_create(&tb, NULL, wakee, NULL);
    struct timespec gap = {0, 0};
    unsigned seed = 1;
    for (int i = 0; i < n; i++) {
        gap.tv_nsec = 1000000 + (rand_r(&seed) % 2000) * 1000;  // 1-3 ms: lets an idle CPU sleep
        nanosleep(&gap, NULL);
        while (atomic_load(&word) != 0) sched_yield();
        atomic_store(&stamp, now_ns());
        atomic_store(&word, 1);
        syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    pthread_join(tb, NULL);
    printf("waker cpu %d, wakee cpu %d, spinner cpu %d\n", cpu_a, cpu_b, cpu_s);
    report("wake-up latency", lat, n);
    // timer overshoot: futex timed wait of 1 ms that nobody wakes, on the waker's CPU
    int k = n < 1000 ? n : 1000;
    static long ov[1000];
    atomic_int dummy = 0;
    for (int i = 0; i < k; i++) {
        struct timespec to = {0, 1000000};
        long t0 = now_ns();
        syscall(SYS_futex, &dummy, FUTEX_WAIT_PRIVATE, 0, &to, NULL, 0);
        ov[i] = now_ns() - t0 - 1000000;
    }
    report("1 ms futex timeout overshoot", ov, k);
    atomic_store(&stop, 1);
    if (cpu_s >= 0) pthread_join(ts, NULL);
    return 0;
}
