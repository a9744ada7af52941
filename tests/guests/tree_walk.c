/*
 * Walks a folder as real programs do and prints what it finds, so that
 * the same tree gives the same lines natively (musl-gcc -static) and
 * under kiln, whether the tree is embedded, in a volume or on the host:
 *
 *   tree_walk DIR      every entry, sorted: type, permissions, size, and
 *                      for files a checksum read three ways (fread in
 *                      pieces after fseek, pread, mmap); symlink targets
 *   tree_walk -w DIR   then writes, renames and reads back files in DIR
 *
 * Times and inode numbers differ between the two and are not printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_BYTES  4096
#define READ_PIECE  1000 /* not a power of two: pieces cross pages */
#define MAX_ENTRIES 4096

static uint32_t checksum_add(uint32_t sum, const unsigned char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        sum = sum * 31 + bytes[i];
    return sum;
}

/* fseek to the middle, read the second half, rewind, read the first. */
static uint32_t checksum_by_fread(const char *path, off_t size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return printf("fopen %s: %s\n", path, strerror(errno)), 0;
    unsigned char *bytes = malloc((size_t)size + 1);
    long half = (long)size / 2;
    size_t got = 0;
    fseek(f, half, SEEK_SET);
    got += fread(bytes + half, 1, (size_t)(size - half), f);
    rewind(f);
    for (size_t at = 0; at < (size_t)half; at += READ_PIECE) {
        size_t want = (size_t)half - at < READ_PIECE ? (size_t)half - at : READ_PIECE;
        got += fread(bytes + at, 1, want, f);
    }
    uint32_t sum = got == (size_t)size ? checksum_add(0, bytes, got) : 0;
    free(bytes);
    fclose(f);
    return sum;
}

static uint32_t checksum_by_pread(int fd, off_t size)
{
    unsigned char piece[READ_PIECE];
    uint32_t sum = 0;
    for (off_t at = 0; at < size;) {
        ssize_t got = pread(fd, piece, sizeof piece, at);
        if (got <= 0)
            return 0;
        sum = checksum_add(sum, piece, (size_t)got);
        at += got;
    }
    return sum;
}

static uint32_t checksum_by_mmap(int fd, off_t size)
{
    if (size == 0)
        return 0;
    void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return printf("mmap: %s\n", strerror(errno)), 0;
    uint32_t sum = checksum_add(0, map, (size_t)size);
    munmap(map, (size_t)size);
    return sum;
}

static void print_file(const char *path, const char *shown, const struct stat *st)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open %s: %s\n", shown, strerror(errno));
        return;
    }
    uint32_t by_fread = checksum_by_fread(path, st->st_size);
    uint32_t by_pread = checksum_by_pread(fd, st->st_size);
    uint32_t by_mmap = checksum_by_mmap(fd, st->st_size);
    close(fd);
    printf("file %s %04o %lld %08x%s\n", shown, st->st_mode & 07777, (long long)st->st_size,
           by_fread, by_fread == by_pread && by_pread == by_mmap ? "" : " (reads disagree)");
}

static void print_link(const char *path, const char *shown)
{
    char target[PATH_BYTES];
    ssize_t len = readlink(path, target, sizeof target - 1);
    if (len < 0) {
        printf("readlink %s: %s\n", shown, strerror(errno));
        return;
    }
    target[len] = '\0';
    printf("link %s -> %s\n", shown, target);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *root, const char *rel);

/* root/rel, or root alone when rel is empty; false when it does not fit. */
static int join(char *out, size_t size, const char *root, const char *rel)
{
    int len = snprintf(out, size, "%s%s%s", root, *rel ? "/" : "", rel);
    if (len < 0 || (size_t)len >= size)
        return printf("path too long: %s\n", rel), 0;
    return 1;
}

static void print_entry(const char *root, const char *rel)
{
    char path[PATH_BYTES];
    struct stat st;
    if (!join(path, sizeof path, root, rel))
        return;
    if (lstat(path, &st) != 0) {
        printf("lstat %s: %s\n", rel, strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        printf("dir %s %04o\n", rel, st.st_mode & 07777);
        walk(root, rel);
    } else if (S_ISLNK(st.st_mode)) {
        print_link(path, rel);
    } else if (S_ISREG(st.st_mode)) {
        print_file(path, rel, &st);
    } else {
        printf("other %s\n", rel);
    }
}

/* readdir's order is the file system's: sort it. */
static void walk(const char *root, const char *rel)
{
    char path[PATH_BYTES];
    char *names[MAX_ENTRIES];
    size_t count = 0;
    if (!join(path, sizeof path, root, rel))
        return;
    DIR *dir = opendir(path);
    if (dir == NULL) {
        printf("opendir %s: %s\n", *rel ? rel : ".", strerror(errno));
        return;
    }
    for (struct dirent *e; (e = readdir(dir)) != NULL && count < MAX_ENTRIES;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[count++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, count, sizeof names[0], by_name);
    for (size_t i = 0; i < count; i++) {
        char child[PATH_BYTES];
        if (join(child, sizeof child, rel, names[i]))
            print_entry(root, *rel ? child : names[i]);
        free(names[i]);
    }
}

static int write_text(const char *path, const char *text, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (f == NULL)
        return printf("fopen %s: %s\n", path, strerror(errno)), -1;
    fputs(text, f);
    return fclose(f);
}

static void print_text(const char *path)
{
    char text[256] = "";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        printf("read %s: %s\n", strrchr(path, '/') + 1, strerror(errno));
        return;
    }
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    printf("read %s: %s", strrchr(path, '/') + 1, text);
}

/* Writes, appends, renames over, unlinks, and reads each result back. */
static void write_and_rename(const char *dir)
{
    char first[PATH_BYTES], second[PATH_BYTES], sub[PATH_BYTES];
    snprintf(first, sizeof first, "%s/first.txt", dir);
    snprintf(second, sizeof second, "%s/second.txt", dir);
    snprintf(sub, sizeof sub, "%s/made", dir);
    write_text(first, "one\n", "w");
    write_text(first, "two\n", "a");
    write_text(second, "old\n", "w");
    print_text(first);
    printf("rename: %d\n", rename(first, second));
    print_text(first);
    print_text(second);
    printf("mkdir: %d\n", mkdir(sub, 0750));
    printf("mkdir again: %s\n", mkdir(sub, 0750) ? strerror(errno) : "made");
    printf("rmdir: %d\n", rmdir(sub));
    printf("unlink: %d\n", unlink(second));
    printf("unlink again: %s\n", unlink(second) ? strerror(errno) : "removed");
}

int main(int argc, char **argv)
{
    int write_mode = argc == 3 && strcmp(argv[1], "-w") == 0;
    if (argc != 2 && !write_mode) {
        fprintf(stderr, "usage: tree_walk [-w] DIR\n");
        return 2;
    }
    const char *root = argv[argc - 1];
    walk(root, "");
    if (write_mode)
        write_and_rename(root);
    return 0;
}
