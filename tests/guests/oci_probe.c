/*
 * The guest of the OCI e2e tests (podman and containerd run it through
 * kiln-oci): it says what it sees, then does what its arguments ask, in
 * order, so one image serves every test:
 *
 *   oci_probe [STEP...]
 *     exit N        exit with status N
 *     crash         read through a null pointer
 *     write PATH    create PATH and write "written" to it
 *     read PATH     print PATH's contents
 *     memory        print the guest memory size (sysinfo's totalram)
 *     sleep SECS    sleep SECS seconds
 *     wait          print "waiting", then wait until a signal ends it
 *     echo          copy stdin to stdout, each line as "got: LINE", to EOF
 *
 * It first prints argv (argv[N]=...), its working folder (cwd=...) and
 * its environment (env: NAME=VALUE), one per line; a step that fails says
 * so on one line ("write PATH: Read-only file system") and the run goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX     4096
#define LINE_MAX_LEN 4096

extern char **environ;

static void report(int argc, char **argv)
{
    char cwd[PATH_MAX];
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    for (char **var = environ; *var != NULL; var++)
        printf("env: %s\n", *var);
    fflush(stdout);
}

static void step_write(const char *path)
{
    static const char text[] = "written";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) {
        printf("write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
    printf("write %s: ok\n", path);
}

static void step_read(const char *path)
{
    char text[READ_MAX];
    int fd = open(path, O_RDONLY);
    ssize_t len = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (len < 0) {
        printf("read %s: %s\n", path, strerror(errno));
    } else {
        text[len] = '\0';
        printf("read %s: %s\n", path, text);
    }
    if (fd >= 0)
        close(fd);
}

static void step_memory(void)
{
    struct sysinfo info;
    if (sysinfo(&info) != 0)
        printf("memory: %s\n", strerror(errno));
    else
        printf("memory=%llu\n", (unsigned long long)info.totalram * info.mem_unit);
}

static void step_sleep(const char *seconds)
{
    struct timespec left = {.tv_sec = strtol(seconds, NULL, 10)};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

static void step_wait(void)
{
    printf("waiting\n");
    fflush(stdout);
    for (;;)
        pause();
}

static void step_echo(void)
{
    char line[LINE_MAX_LEN];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        printf("got: %s\n", line);
        fflush(stdout);
    }
}

static void crash(void)
{
    /* volatile: the compiler may not see that the pointer is null. */
    int *volatile pointer = NULL;
    printf("%d\n", *pointer);
}

/* One step; returns how many arguments it took beyond its name. */
static int step(const char *name, const char *arg)
{
    if (strcmp(name, "crash") == 0)
        crash();
    else if (strcmp(name, "memory") == 0)
        step_memory();
    else if (strcmp(name, "echo") == 0)
        step_echo();
    else if (strcmp(name, "write") == 0)
        step_write(arg);
    else if (strcmp(name, "read") == 0)
        step_read(arg);
    else if (strcmp(name, "sleep") == 0)
        step_sleep(arg);
    else if (strcmp(name, "wait") == 0)
        step_wait();
    else
        printf("%s: no such step\n", name);
    fflush(stdout);
    return strcmp(name, "write") == 0 || strcmp(name, "read") == 0 || strcmp(name, "sleep") == 0;
}

int main(int argc, char **argv)
{
    report(argc, argv);
    for (int i = 1; i < argc; i++) {
        const char *arg = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(argv[i], "exit") == 0)
            return atoi(arg);
        i += step(argv[i], arg);
    }
    return 0;
}
