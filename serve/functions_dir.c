#include "functions_dir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array_grow.h"
#include "common/report.h"

#define IMAGE_SUFFIX  ".kiln"
#define SOURCE_SUFFIX ".c"

/* Written in place (IN_CLOSE_WRITE) or moved in whole (IN_MOVED_TO, an
 * editor's or a deploy's rename); gone either way; the folder itself gone. */
#define WATCHED                                                                                    \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)

/* Room for events of many files at once: a folder copied in. */
#define EVENT_BUFFER_SIZE (64 * 1024)
#define FIRST_SERVED      64
_Static_assert(EVENT_BUFFER_SIZE >= sizeof(struct inotify_event) + NAME_MAX + 1, "one event fits");

#define WATCHER_THREAD_NAME "kiln-functions"

/* What the table was last given for a name, if anything.  Kept once
 * seen: a few hundred bytes for each name the folder ever held. */
struct served {
    char prefix[ROUTE_PREFIX_MAX];
    enum function_file file;
};

struct functions_dir {
    char *dir; /* without a trailing '/': paths are dir, prefix, suffix */
    struct route_table *table;
    struct pool *(*open_function)(void *context, const char *prefix, const char *path);
    void *context;
    int inotify_fd;
    int wake_fd;
    atomic_bool stopping;
    pthread_t thread;
    /* Only the watcher touches these once it runs. */
    struct served *served;
    size_t served_count;
    size_t served_capacity;
};

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t suffix_len = strlen(suffix);
    return len > suffix_len && strcmp(s + len - suffix_len, suffix) == 0;
}

enum function_file functions_dir_file(const char *file_name, char *prefix)
{
    size_t len = strlen(file_name);
    enum function_file file = FUNCTION_FILE_NONE;
    size_t name_len = 0;
    if (ends_with(file_name, len, IMAGE_SUFFIX)) {
        file = FUNCTION_FILE_IMAGE;
        name_len = len - strlen(IMAGE_SUFFIX);
    } else if (ends_with(file_name, len, SOURCE_SUFFIX)) {
        file = FUNCTION_FILE_SOURCE;
        name_len = len - strlen(SOURCE_SUFFIX);
    }
    if (file_name[0] == '.' || name_len + 1 >= ROUTE_PREFIX_MAX)
        return FUNCTION_FILE_NONE;
    for (size_t i = 0; i < name_len; i++)
        if (!is_name_char(file_name[i]))
            return FUNCTION_FILE_NONE;
    if (file != FUNCTION_FILE_NONE) {
        prefix[0] = '/';
        memcpy(prefix + 1, file_name, name_len);
        prefix[name_len + 1] = '\0';
    }
    return file;
}

/* Fits, as functions_dir_start() checks the folder's name. */
static void file_path(const struct functions_dir *f, const char *prefix, enum function_file file,
                      char path[PATH_MAX])
{
    snprintf(path, PATH_MAX, "%s%s%s", f->dir, prefix,
             file == FUNCTION_FILE_IMAGE ? IMAGE_SUFFIX : SOURCE_SUFFIX);
}

static bool is_regular(const struct functions_dir *f, const char *prefix, enum function_file file)
{
    char path[PATH_MAX];
    struct stat st;
    file_path(f, prefix, file, path);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The file that should answer at prefix: the image wins. */
static enum function_file winner(const struct functions_dir *f, const char *prefix)
{
    if (is_regular(f, prefix, FUNCTION_FILE_IMAGE))
        return FUNCTION_FILE_IMAGE;
    if (is_regular(f, prefix, FUNCTION_FILE_SOURCE))
        return FUNCTION_FILE_SOURCE;
    return FUNCTION_FILE_NONE;
}

/* The record of prefix, made if new; NULL when out of memory (reported). */
static struct served *served_at(struct functions_dir *f, const char *prefix)
{
    for (size_t i = 0; i < f->served_count; i++)
        if (strcmp(f->served[i].prefix, prefix) == 0)
            return &f->served[i];
    struct served *served = array_grow(f->served, &f->served_capacity, f->served_count + 1,
                                       sizeof *served, FIRST_SERVED);
    if (served == NULL) {
        report("%s: not served: out of memory", prefix);
        return NULL;
    }
    f->served = served;
    struct served *slot = &f->served[f->served_count++];
    strcpy(slot->prefix, prefix);
    slot->file = FUNCTION_FILE_NONE;
    return slot;
}

/* Opening is slow (a .c is built, then snapshotted) and happens with no
 * lock held: requests meanwhile reach the pool that serves now. */
static void open_and_serve(struct functions_dir *f, struct served *slot, enum function_file file)
{
    char path[PATH_MAX];
    file_path(f, slot->prefix, file, path);
    struct pool *pool = f->open_function(f->context, slot->prefix, path);
    if (pool == NULL) {
        if (slot->file != FUNCTION_FILE_NONE) {
            file_path(f, slot->prefix, slot->file, path);
            report("%s: still served from %s, as it was before", slot->prefix, path);
        }
        return;
    }
    if (route_table_put(f->table, slot->prefix, path, pool, true) >= 0)
        slot->file = file;
}

/* Brings prefix's route in line with the folder, after changed (or
 * FUNCTION_FILE_NONE: a file that went) was written. */
static void settle(struct functions_dir *f, const char *prefix, enum function_file changed)
{
    enum function_file file = winner(f, prefix);
    struct served *slot = served_at(f, prefix);
    if (slot == NULL)
        return;
    if (file == FUNCTION_FILE_NONE) {
        if (slot->file != FUNCTION_FILE_NONE)
            route_table_remove(f->table, prefix);
        slot->file = FUNCTION_FILE_NONE;
    } else if (file != slot->file || changed == file) {
        open_and_serve(f, slot, file);
    } else if (changed != FUNCTION_FILE_NONE) {
        report("%s: %s%s%s changed, but %s%s%s is served", prefix, f->dir, prefix, SOURCE_SUFFIX,
               f->dir, prefix, IMAGE_SUFFIX);
    }
}

static int select_entry(const struct dirent *entry)
{
    char prefix[ROUTE_PREFIX_MAX];
    return functions_dir_file(entry->d_name, prefix) != FUNCTION_FILE_NONE;
}

/* Opens every function in the folder, in the order of their names. */
static int scan(struct functions_dir *f)
{
    struct dirent **entries;
    int count = scandir(f->dir, &entries, select_entry, alphasort);
    if (count < 0)
        return report("%s: cannot read the folder: %s", f->dir, strerror(errno));
    for (int i = 0; i < count; i++) {
        char prefix[ROUTE_PREFIX_MAX];
        enum function_file file = functions_dir_file(entries[i]->d_name, prefix);
        if (file == winner(f, prefix))
            settle(f, prefix, file);
        free(entries[i]);
    }
    free(entries);
    return 0;
}

/* Events were lost: every function is opened again, and the ones gone go. */
static void rescan(struct functions_dir *f)
{
    report("%s: too many changes at once; reading the folder again", f->dir);
    scan(f);
    for (size_t i = 0; i < f->served_count; i++) {
        char prefix[ROUTE_PREFIX_MAX];
        strcpy(prefix, f->served[i].prefix);
        settle(f, prefix, FUNCTION_FILE_NONE);
    }
}

/* false once the folder is gone. */
static bool handle_event(struct functions_dir *f, const struct inotify_event *event)
{
    if (event->mask & IN_Q_OVERFLOW) {
        rescan(f);
        return true;
    }
    if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        report("%s: the folder is gone; its functions are no longer watched", f->dir);
        return false;
    }
    char prefix[ROUTE_PREFIX_MAX];
    enum function_file file =
        event->len ? functions_dir_file(event->name, prefix) : FUNCTION_FILE_NONE;
    if (file != FUNCTION_FILE_NONE)
        settle(f, prefix, event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO) ? file : FUNCTION_FILE_NONE);
    return true;
}

/* false once the folder is gone, or the events cannot be read. */
static bool handle_events(struct functions_dir *f)
{
    char buffer[EVENT_BUFFER_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t got = read(f->inotify_fd, buffer, sizeof buffer);
    if (got < 0) {
        if (errno == EINTR)
            return true;
        report("%s: reading the folder's changes: %s", f->dir, strerror(errno));
        return false;
    }
    for (char *at = buffer; at < buffer + got && !atomic_load(&f->stopping);) {
        const struct inotify_event *event = (const struct inotify_event *)at;
        if (!handle_event(f, event))
            return false;
        at += sizeof *event + event->len;
    }
    return true;
}

static void *watcher_main(void *arg)
{
    struct functions_dir *f = arg;
    struct pollfd fds[] = {{.fd = f->inotify_fd, .events = POLLIN},
                           {.fd = f->wake_fd, .events = POLLIN}};
    while (!atomic_load(&f->stopping)) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            report("%s: waiting for the folder's changes: %s", f->dir, strerror(errno));
            break;
        }
        if (fds[1].revents != 0 || !handle_events(f))
            break;
    }
    return NULL;
}

static void functions_dir_free(struct functions_dir *f)
{
    if (f->inotify_fd >= 0)
        close(f->inotify_fd);
    if (f->wake_fd >= 0)
        close(f->wake_fd);
    free(f->served);
    free(f->dir);
    free(f);
}

/* The folder watched (before it is read, so that no change is missed),
 * read, and its watcher started. */
static int start(struct functions_dir *f)
{
    size_t len = strlen(f->dir);
    while (len > 1 && f->dir[len - 1] == '/')
        f->dir[--len] = '\0';
    if (len + ROUTE_PREFIX_MAX + sizeof IMAGE_SUFFIX > PATH_MAX)
        return report("%s: the folder's path is too long", f->dir);
    f->inotify_fd = inotify_init1(IN_CLOEXEC);
    if (f->inotify_fd < 0)
        return report("%s: cannot watch the folder: %s", f->dir, strerror(errno));
    if (inotify_add_watch(f->inotify_fd, f->dir, WATCHED | IN_ONLYDIR) < 0)
        return report("%s: cannot watch the folder: %s", f->dir, strerror(errno));
    f->wake_fd = eventfd(0, EFD_CLOEXEC);
    if (f->wake_fd < 0)
        return report_errno(f->dir, "eventfd");
    if (scan(f) != 0)
        return -1;
    size_t serving = 0;
    for (size_t i = 0; i < f->served_count; i++)
        serving += f->served[i].file != FUNCTION_FILE_NONE;
    int rc = pthread_create(&f->thread, NULL, watcher_main, f);
    if (rc != 0)
        return report("%s: starting the folder's watcher: %s", f->dir, strerror(rc));
    pthread_setname_np(f->thread, WATCHER_THREAD_NAME);
    report("%s: %zu functions; watched for changes", f->dir, serving);
    return 0;
}

struct functions_dir *functions_dir_start(const struct functions_dir_options *options)
{
    struct functions_dir *f = calloc(1, sizeof *f);
    char *dir = strdup(options->dir);
    if (f == NULL || dir == NULL) {
        free(f);
        free(dir);
        report("%s: out of memory", options->dir);
        return NULL;
    }
    *f = (struct functions_dir){
        .dir = dir,
        .table = options->table,
        .open_function = options->open_function,
        .context = options->context,
        .inotify_fd = -1,
        .wake_fd = -1,
    };
    if (start(f) != 0) {
        functions_dir_free(f);
        return NULL;
    }
    return f;
}

void functions_dir_stop(struct functions_dir *f)
{
    atomic_store(&f->stopping, true);
    uint64_t one = 1;
    if (write(f->wake_fd, &one, sizeof one) != sizeof one)
        report_errno(f->dir, "waking the folder's watcher");
    pthread_join(f->thread, NULL);
    functions_dir_free(f);
}
