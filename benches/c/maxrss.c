/* Runs a command and prints its peak RSS in KiB (ru_maxrss from wait4) and
 * its wall time in microseconds, as "maxrss_kb wall_us exit_status".
 *
 *   maxrss COMMAND [ARG...]
 *
 * Linux keeps a process's peak RSS across execve, and a child forked from a
 * big process (Python, say) starts from that process's: measured from
 * Python, a 5 MB Go program shows Python's 15 MB. This small launcher forks
 * the command itself, so the floor is its own RSS (about 1 MB). The
 * command's stdout goes to /dev/null; its stderr is kept. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: maxrss COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        execvp(argv[1], argv + 1);
        perror("execvp");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long us = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    printf("%ld %lld %d\n", ru.ru_maxrss, us, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
