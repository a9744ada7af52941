/*
 * Files as programs use them, one case at a time, printing what they see
 * so that the same case gives the same lines natively (musl-gcc -static,
 * in a fresh host folder) and under kiln (in the guest's /tmp):
 *
 *   files CASE FOLDER
 *
 * Paths are printed relative to FOLDER; inode numbers, devices and times,
 * which differ between the two, are not printed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

/* musl 1.2.3 has no renameat2. */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2

static long rename_flags(const char *from, const char *to, unsigned flags)
{
    return syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

/* Prints what a call answered: its result, or its errno's name. */
static void said(const char *what, long result)
{
    if (result < 0)
        printf("%s: %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, result);
}

static void put_file(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0)
        printf("put %s: %s\n", path, strerror(errno));
}

static void show_file(const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", path, strerror(errno));
        return;
    }
    ssize_t got = read(fd, buf, sizeof buf - 1);
    buf[got > 0 ? got : 0] = '\0';
    printf("%s: \"%s\"\n", path, buf);
    close(fd);
}

static void create_read(void)
{
    put_file("a", "hello");
    show_file("a");
    struct stat st;
    said("stat a", stat("a", &st));
    printf("a: %s %04o size %lld nlink %lu\n", S_ISREG(st.st_mode) ? "file" : "other",
           st.st_mode & 07777, (long long)st.st_size, (unsigned long)st.st_nlink);
    put_file("a", "hi");
    show_file("a");
    said("open missing", open("missing", O_RDONLY));
    said("O_EXCL on a", open("a", O_CREAT | O_EXCL | O_WRONLY, 0644));
}

static void rename_unlink(void)
{
    put_file("a", "first");
    put_file("c", "third");
    said("rename a b", rename("a", "b"));
    show_file("a");
    show_file("b");
    said("rename b over c", rename("b", "c"));
    show_file("b");
    show_file("c");
    said("unlink c", unlink("c"));
    said("unlink c again", unlink("c"));

    put_file("open", "kept");
    int fd = open("open", O_RDWR);
    said("unlink open", unlink("open"));
    struct stat st;
    fstat(fd, &st);
    printf("unlinked open file: nlink %lu size %lld\n", (unsigned long)st.st_nlink,
           (long long)st.st_size);
    char buf[16] = {0};
    pread(fd, buf, sizeof buf - 1, 0);
    printf("still reads \"%s\"\n", buf);
    close(fd);
    show_file("open");
}

static void folders(void)
{
    struct stat st;
    said("mkdir d", mkdir("d", 0755));
    said("mkdir d again", mkdir("d", 0755));
    said("mkdir d/sub", mkdir("d/sub", 0700));
    stat("d", &st);
    printf("d: %04o nlink %lu\n", st.st_mode & 07777, (unsigned long)st.st_nlink);
    put_file("d/x", "x");
    said("rmdir d", rmdir("d"));
    said("unlink d", unlink("d"));
    said("rmdir d/x", rmdir("d/x"));
    said("unlink d/x", unlink("d/x"));
    said("rmdir d/sub", rmdir("d/sub"));
    said("rmdir d", rmdir("d"));
    said("rmdir d again", rmdir("d"));
    said("mkdir a/b/c", mkdir("a/b/c", 0755));
    said("rmdir .", rmdir("."));
    said("mkdir e/", mkdir("e/", 0755));
    said("rename e into itself", rename("e", "e/f"));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* getdents' order is the file system's own: sorted before printing. */
static void listing(void)
{
    const char *names[] = {"zeta", "alpha", "mid", "Beta"};
    mkdir("list", 0755);
    mkdir("list/sub", 0755);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "list/%s", names[i]);
        put_file(path, names[i]);
    }
    symlink("alpha", "list/link");
    DIR *dir = opendir("list");
    char *seen[16];
    size_t count = 0;
    for (struct dirent *entry; (entry = readdir(dir)) != NULL && count < 16;) {
        char *line = malloc(300);
        const char *type = entry->d_type == DT_DIR   ? "dir"
                           : entry->d_type == DT_REG ? "file"
                           : entry->d_type == DT_LNK ? "link"
                                                     : "other";
        snprintf(line, 300, "%s %s", entry->d_name, type);
        seen[count++] = line;
    }
    closedir(dir);
    qsort(seen, count, sizeof seen[0], by_name);
    for (size_t i = 0; i < count; i++)
        printf("entry %s\n", seen[i]);

    /* rm -r's way: unlink each name as readdir gives it. */
    dir = opendir("list/sub");
    for (int i = 0; i < 200; i++) {
        char path[64];
        snprintf(path, sizeof path, "list/sub/file-with-a-long-name-%03d", i);
        put_file(path, "x");
    }
    int removed = 0;
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        char path[300];
        snprintf(path, sizeof path, "list/sub/%s", entry->d_name);
        if (entry->d_name[0] != '.' && unlink(path) == 0)
            removed++;
    }
    closedir(dir);
    printf("removed while listing: %d\n", removed);
    said("rmdir list/sub", rmdir("list/sub"));
}

static void dup_fcntl(void)
{
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    int copy = dup(fd);
    lseek(fd, 3, SEEK_SET);
    printf("dup shares the offset: %ld\n", (long)lseek(copy, 0, SEEK_CUR));
    said("F_GETFD", fcntl(fd, F_GETFD));
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    said("F_GETFD after F_SETFD", fcntl(fd, F_GETFD));
    said("F_GETFD of dup", fcntl(copy, F_GETFD));
    said("F_DUPFD from 20", fcntl(fd, F_DUPFD, 20));
    said("F_DUPFD_CLOEXEC from 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    said("F_GETFD of 21", fcntl(21, F_GETFD));
    printf("F_GETFL has O_RDWR: %d, O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
           !!(fcntl(fd, F_GETFL) & O_APPEND));
    fcntl(fd, F_SETFL, O_APPEND);
    printf("after F_SETFL O_APPEND: %d\n", !!(fcntl(copy, F_GETFL) & O_APPEND));
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    said("F_SETLK", fcntl(fd, F_SETLK, &lock));
    lock.l_type = F_WRLCK;
    said("F_GETLK", fcntl(fd, F_GETLK, &lock));
    printf("F_GETLK says unlocked: %d\n", lock.l_type == F_UNLCK);
    said("dup2 onto 30", dup2(fd, 30));
    said("dup2 onto itself", dup2(30, 30));
    said("dup3 onto itself", dup3(30, 30, 0));
    said("close 30", close(30));
    said("close 30 again", close(30));
    said("fcntl on a closed fd", fcntl(30, F_GETFD));

    /* fd 1 is an ordinary entry: point it at a file and back. */
    fflush(stdout);
    int saved = dup(1);
    int out = open("out", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    dup2(out, 1);
    write(1, "through fd 1", 12);
    dup2(saved, 1);
    close(out);
    show_file("out");
    close(1);
    int reopened = open("out", O_RDONLY);
    dup2(saved, 1);
    said("reopened after close(1)", reopened);
}

static void seeking(void)
{
    int fd = open("s", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "abcdef", 6);
    said("SEEK_SET 2", lseek(fd, 2, SEEK_SET));
    said("SEEK_CUR 1", lseek(fd, 1, SEEK_CUR));
    said("SEEK_END -1", lseek(fd, -1, SEEK_END));
    said("SEEK_SET -1", lseek(fd, -1, SEEK_SET));
    said("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    said("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
    said("SEEK_DATA past the end", lseek(fd, 100, SEEK_DATA));
    said("whence 9", lseek(fd, 0, 9));
    lseek(fd, 10000, SEEK_SET);
    write(fd, "z", 1);
    struct stat st;
    fstat(fd, &st);
    printf("size after a write past the end: %lld\n", (long long)st.st_size);
    char buf[8];
    said("pread in the hole", pread(fd, buf, 4, 100));
    printf("hole reads zeros: %d\n", buf[0] == 0 && buf[3] == 0);
    said("ftruncate 3", ftruncate(fd, 3));
    said("read after truncate", pread(fd, buf, 8, 0));
    said("ftruncate 5", ftruncate(fd, 5));
    memset(buf, 'x', sizeof buf);
    pread(fd, buf, 5, 0);
    printf("regrown tail is zero: %d %d\n", buf[3], buf[4]);
    said("truncate by name", truncate("s", 1));
    close(fd);

    struct iovec pieces[2] = {{"ab", 2}, {"cd", 2}};
    fd = open("v", O_CREAT | O_RDWR | O_TRUNC, 0644);
    said("writev", writev(fd, pieces, 2));
    said("pwritev at 1", pwritev(fd, pieces, 1, 1));
    char one[3] = {0}, two[3] = {0};
    struct iovec back[2] = {{one, 2}, {two, 2}};
    said("preadv", preadv(fd, back, 2, 0));
    printf("preadv: %s %s\n", one, two);
    close(fd);
}

static void appending(void)
{
    put_file("log", "one\n");
    int fd = open("log", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "two\n", 4);
    said("position after an append", lseek(fd, 0, SEEK_CUR));
    pwrite(fd, "three\n", 6, 0);
    close(fd);
    show_file("log");
}

static void devices(void)
{
    char buf[16];
    int fd = open("/dev/null", O_RDWR);
    said("read /dev/null", read(fd, buf, sizeof buf));
    said("write /dev/null", write(fd, buf, sizeof buf));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 'x', sizeof buf);
    said("read /dev/zero", read(fd, buf, sizeof buf));
    printf("zeros: %d\n", buf[0] == 0 && buf[15] == 0);
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    unsigned char noise[32] = {0};
    said("read /dev/urandom", read(fd, noise, sizeof noise));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof noise; i++)
        nonzero += noise[i] != 0;
    printf("urandom gave noise: %d\n", nonzero > 8);
    close(fd);
    struct stat st;
    stat("/dev/null", &st);
    printf("/dev/null: %s %u:%u\n", S_ISCHR(st.st_mode) ? "char" : "other", major(st.st_rdev),
           minor(st.st_rdev));
    FILE *null = fopen("/dev/null", "w");
    said("fprintf to /dev/null", fprintf(null, "gone\n"));
    fclose(null);
}

static void users(void)
{
    struct passwd *root = getpwuid(0);
    printf("uid 0: %s uid %u gid %u home %s\n", root ? root->pw_name : "?", root ? root->pw_uid : 0,
           root ? root->pw_gid : 0, root ? root->pw_dir : "?");
    struct group *group = getgrgid(0);
    printf("gid 0: %s\n", group ? group->gr_name : "?");
}

static void print_cwd(const char *base)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        printf("getcwd: %s\n", strerror(errno));
        return;
    }
    size_t len = strlen(base);
    printf("cwd: %s\n", strncmp(cwd, base, len) == 0 ? cwd + len : cwd);
}

static void directories(const char *base)
{
    print_cwd(base);
    mkdir("w", 0755);
    mkdir("w/x", 0755);
    said("chdir w/x", chdir("w/x"));
    print_cwd(base);
    put_file("here", "relative");
    said("chdir ..", chdir(".."));
    print_cwd(base);
    show_file("x/here");
    said("chdir to a file", chdir("x/here"));
    said("chdir missing", chdir("nowhere"));
    int dir = open("x", O_RDONLY | O_DIRECTORY);
    said("fchdir", fchdir(dir));
    print_cwd(base);
    said("openat on the folder fd", openat(dir, "here", O_RDONLY) >= 0);
    close(dir);
    chdir(base);
    said("rename the cwd's parent", rename("w", "w2"));
    chdir("w2/x");
    print_cwd(base);
    chdir(base);
    char small[2];
    said("getcwd into 2 bytes", getcwd(small, sizeof small) ? 0 : -1);
}

static void errors(void)
{
    char name[300], path[5000];
    put_file("file", "x");
    said("open through a file", open("file/x", O_RDONLY));
    said("stat through a file", access("file/x", F_OK));
    said("trailing slash on a file", open("file/", O_RDONLY));
    memset(name, 'n', 256);
    name[256] = '\0';
    said("256-byte name", open(name, O_CREAT | O_WRONLY, 0644));
    name[255] = '\0';
    said("255-byte name", open(name, O_CREAT | O_WRONLY, 0644) >= 0);
    memset(path, 'p', sizeof path);
    for (size_t i = 100; i < sizeof path; i += 100)
        path[i] = '/';
    path[4096] = '\0';
    said("4096-byte path", open(path, O_RDONLY));
    said("O_DIRECTORY on a file", open("file", O_RDONLY | O_DIRECTORY));
    mkdir("dir", 0755);
    said("open a folder for writing", open("dir", O_WRONLY));
    said("O_CREAT on a folder", open("dir", O_CREAT | O_RDONLY, 0644));
    said("O_CREAT with a trailing slash", open("new/", O_CREAT | O_RDWR, 0644));
    int fd = open("file", O_RDONLY);
    said("write to a read-only fd", write(fd, "x", 1));
    said("read from a folder", read(open("dir", O_RDONLY), name, 10));
    said("read a bad fd", read(999, name, 1));
    said("unlink a folder", unlink("dir"));
    said("readlink a file", readlink("file", name, sizeof name));
    said("access X_OK a 0644 file", access("file", X_OK));
    said("access W_OK", access("file", W_OK));
    said("getdents on a file", getdents(fd, (void *)name, sizeof name));
    said("lseek on a pipe-less fd", lseek(999, 0, SEEK_SET));
    said("link", link("file", "hard"));
    struct stat st;
    stat("file", &st);
    printf("nlink after link: %lu\n", (unsigned long)st.st_nlink);
    said("link over a name", link("file", "hard"));
    said("rename missing", rename("nothing", "x"));
    said("rename a folder over a file", rename("dir", "file"));
    said("rename a file over a folder", rename("file", "dir"));
    said("RENAME_NOREPLACE", rename_flags("file", "hard", RENAME_NOREPLACE));
    put_file("other", "other");
    said("RENAME_EXCHANGE", rename_flags("file", "other", RENAME_EXCHANGE));
    show_file("file");
    show_file("other");
}

static void symlinks(void)
{
    char buf[64];
    put_file("target", "pointed at");
    said("symlink", symlink("target", "link"));
    said("symlink again", symlink("target", "link"));
    ssize_t len = readlink("link", buf, sizeof buf);
    printf("readlink: %.*s\n", (int)len, buf);
    show_file("link");
    struct stat st;
    lstat("link", &st);
    printf("lstat: %s size %lld\n", S_ISLNK(st.st_mode) ? "link" : "other", (long long)st.st_size);
    stat("link", &st);
    printf("stat: %s\n", S_ISREG(st.st_mode) ? "file" : "other");
    said("O_NOFOLLOW", open("link", O_RDONLY | O_NOFOLLOW));
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    said("a loop", open("loop1", O_RDONLY));
    symlink("missing-target", "dangling");
    said("stat dangling", stat("dangling", &st));
    said("lstat dangling", lstat("dangling", &st));
    int fd = open("dangling", O_CREAT | O_WRONLY, 0644);
    said("created through dangling", fd >= 0);
    close(fd);
    said("missing-target now", access("missing-target", F_OK));
    mkdir("real", 0755);
    put_file("real/inside", "inside");
    symlink("real", "dirlink");
    show_file("dirlink/inside");
    said("rmdir a symlink to a folder", rmdir("dirlink"));
    said("unlink dirlink/", unlink("dirlink/"));
    said("mkdir over a symlink", mkdir("dirlink", 0755));
    said("unlink the symlink", unlink("dirlink"));
    show_file("real/inside");
}

static void mapping(void)
{
    size_t size = 3 * 4096 + 100;
    char *bytes = malloc(size);
    for (size_t i = 0; i < size; i++)
        bytes[i] = (char)('a' + i % 26);
    int fd = open("mapped", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, bytes, size);
    char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("private map matches: %d\n", map != MAP_FAILED && memcmp(map, bytes, size) == 0);
    munmap(map, size);
    map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    printf("offset map matches: %d\n", map != MAP_FAILED && memcmp(map, bytes + 4096, 4096) == 0);
    map[0] = '!';
    char first;
    pread(fd, &first, 1, 4096);
    printf("private write stays private: %d\n", first == bytes[4096]);
    munmap(map, 4096);
    map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    printf("shared read-only map matches: %d\n",
           map != MAP_FAILED && memcmp(map, bytes, size) == 0);
    said("unaligned offset", mmap(NULL, 10, PROT_READ, MAP_PRIVATE, fd, 10) == MAP_FAILED ? -1 : 0);
    int wronly = open("mapped", O_WRONLY);
    said("map of a write-only fd",
         mmap(NULL, 10, PROT_READ, MAP_PRIVATE, wronly, 0) == MAP_FAILED ? -1 : 0);
    close(fd);
    free(bytes);
}

/* What kiln gives every program (not compared with the host's). */
static void layout(void)
{
    char target[256];
    struct stat st;
    DIR *tmp = opendir("/tmp");
    int names = 0;
    for (struct dirent *entry; tmp && (entry = readdir(tmp)) != NULL;)
        names += entry->d_name[0] != '.';
    printf("/tmp holds %d names besides this test's folder\n", names - 1);
    said("stat /root", stat("/root", &st));
    printf("/root: %04o\n", st.st_mode & 07777);
    ssize_t len = readlink("/proc/self/exe", target, sizeof target);
    printf("/proc/self/exe -> %.*s\n", (int)(len > 0 ? len : 0), target);
    said("write /dev/stdout", write(open("/dev/stdout", O_WRONLY), "to stdout\n", 10));
    said("mkdir in /dev/shm", mkdir("/dev/shm/x", 0700));
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    printf("RLIMIT_NOFILE: %lu\n", (unsigned long)limit.rlim_cur);
}

/* Fills memory with a file until the layer says ENOSPC. */
static void fill(void)
{
    static char chunk[1 << 20];
    int fd = open("fill", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    long total = 0;
    ssize_t wrote;
    memset(chunk, 'f', sizeof chunk);
    while ((wrote = write(fd, chunk, sizeof chunk)) > 0)
        total += wrote;
    printf("filled %s MiB, then: %s\n", total > (8 << 20) ? "more than 8" : "less than 8",
           strerror(errno));
    printf("malloc of 1 MiB now: %s\n", malloc(1 << 20) ? "ok" : "NULL");
    close(fd);
    said("unlink the full file", unlink("fill"));
    fd = open("again", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    said("write after unlink", write(fd, chunk, sizeof chunk));
}

/* Opens until the fd table is full. */
static void many_fds(void)
{
    int opened = 0;
    while (open("/dev/null", O_RDONLY) >= 0)
        opened++;
    printf("opened %d, then: %s\n", opened, strerror(errno));
    said("dup then", dup(0));
    close(1000);
    said("open after a close", open("/dev/null", O_RDONLY));
}

/* From FOLDER to the guest's /root: across a volume's edge under kiln. */
static void cross_device(void)
{
    put_file("x", "x");
    said("rename to /root", rename("x", "/root/x"));
    said("link to /root", link("x", "/root/x"));
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"create-read", create_read},
    {"rename-unlink", rename_unlink},
    {"folders", folders},
    {"listing", listing},
    {"dup-fcntl", dup_fcntl},
    {"seeking", seeking},
    {"appending", appending},
    {"devices", devices},
    {"users", users},
    {"errors", errors},
    {"symlinks", symlinks},
    {"mapping", mapping},
    {"layout", layout},
    {"fill", fill},
    {"many-fds", many_fds},
    {"cross-device", cross_device},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: files CASE FOLDER\n");
        return 2;
    }
    umask(022);
    if (mkdir(argv[2], 0755) != 0 && errno != EEXIST) {
        perror(argv[2]);
        return 1;
    }
    chdir(argv[2]);
    if (strcmp(argv[1], "directories") == 0) {
        directories(argv[2]);
        return 0;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run();
            return 0;
        }
    }
    fprintf(stderr, "files: no case %s\n", argv[1]);
    return 2;
}
