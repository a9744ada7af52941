/*
 * interleave: times whole commands side by side.  Runs each command once
 * per round, in turn (A B A B ...), output to /dev/null, and prints each
 * one's median and its ratio to the first.  Interleaving puts both under
 * the same machine noise; the median throws out the worst of it.
 *
 *   interleave ROUNDS NAME -- CMD... [-- NAME -- CMD...]...
 *   (each command is "NAME" then its argv up to the next lone "--" pair)
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 8

extern char **environ;

struct command {
    const char *name;
    char **argv;
    double *us;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int run_once(const struct command *c, double *elapsed)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int status;
    double start = now_us();
    int rc = posix_spawn(&pid, c->argv[0], &actions, NULL, c->argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    *elapsed = now_us() - start;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, by_value);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* argv: NAME -- CMD ... [-- NAME -- CMD ...]: a NAME is followed by "--". */
static int parse(int argc, char **argv, struct command *commands)
{
    int count = 0;
    for (int i = 0; i + 2 < argc && count < MAX_COMMANDS;) {
        if (strcmp(argv[i + 1], "--") != 0)
            return -1;
        commands[count].name = argv[i];
        commands[count].argv = argv + i + 2;
        int end = i + 2;
        while (end < argc && !(strcmp(argv[end], "--") == 0 && end + 2 < argc &&
                               strcmp(argv[end + 2], "--") == 0))
            end++;
        argv[end < argc ? end : argc] = NULL;
        count++;
        i = end + 1;
    }
    return count;
}

int main(int argc, char **argv)
{
    struct command commands[MAX_COMMANDS];
    int rounds = argc > 1 ? atoi(argv[1]) : 0;
    int count = rounds > 0 ? parse(argc - 2, argv + 2, commands) : -1;
    if (count < 1) {
        fprintf(stderr, "usage: interleave ROUNDS NAME -- CMD... [-- NAME -- CMD...]...\n");
        return 2;
    }
    for (int c = 0; c < count; c++)
        commands[c].us = calloc((size_t)rounds, sizeof(double));
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < count; c++) {
            if (run_once(&commands[c], &commands[c].us[r]) != 0) {
                fprintf(stderr, "interleave: %s failed\n", commands[c].name);
                return 1;
            }
        }
    }
    double base = median(commands[0].us, rounds);
    for (int c = 0; c < count; c++) {
        double m = c == 0 ? base : median(commands[c].us, rounds);
        printf("  %-28s median %8.1f us  (%.2fx %s)\n", commands[c].name, m, m / base,
               commands[0].name);
    }
    return 0;
}
