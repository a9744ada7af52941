#include "oci_state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "oci_bundle.h"
#include "oci_log.h"

#define STATE_MODE       0600
#define PROC_STAT_SIZE   1024
#define START_TIME_FIELD 19 /* stat(5)'s field 22, counted from field 3 */

int oci_state_dir(char *dir, const char *root, const char *id)
{
    if (path_join(dir, PATH_MAX, root, id) != 0)
        return oci_error("--root %s: path too long", root);
    return 0;
}

static int copy_string(char *to, size_t size, json_t *state, const char *key)
{
    const char *value = json_string_value(json_object_get(state, key));
    if (value == NULL || strlen(value) >= size)
        return -1;
    memcpy(to, value, strlen(value) + 1);
    return 0;
}

static int read_fields(struct oci_state *state, json_t *saved)
{
    json_t *pid = json_object_get(saved, "pid"), *start = json_object_get(saved, "start_time");
    json_t *annotations = json_object_get(saved, "annotations");
    if (!json_is_integer(pid) || !json_is_integer(start) ||
        copy_string(state->bundle, sizeof state->bundle, saved, "bundle") < 0 ||
        copy_string(state->created, sizeof state->created, saved, "created") < 0)
        return -1;
    state->pid = (pid_t)json_integer_value(pid);
    state->start_time = (uint64_t)json_integer_value(start);
    state->annotations = json_is_object(annotations) ? json_incref(annotations) : NULL;
    return 0;
}

int oci_state_load(struct oci_state *state, const char *root, const char *id)
{
    char path[PATH_MAX];
    json_error_t why;
    *state = (struct oci_state){0};
    snprintf(state->id, sizeof state->id, "%s", id);
    if (oci_state_dir(state->dir, root, id) < 0 ||
        path_join(path, sizeof path, state->dir, OCI_STATE_FILE) != 0)
        return -1;
    if (access(path, F_OK) != 0)
        return oci_error("container %s does not exist", id);
    json_t *saved = json_load_file(path, 0, &why);
    if (saved == NULL)
        return oci_error("container %s: %s: %s", id, path, why.text);
    int rc = read_fields(state, saved);
    json_decref(saved);
    if (rc < 0)
        return oci_error("container %s: %s: not kiln-oci's state", id, path);
    return 0;
}

int oci_state_save(const struct oci_state *state)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, state->dir, OCI_STATE_FILE) != 0)
        return oci_error("%s: path too long", state->dir);
    json_t *saved =
        json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "ociVersion", OCI_SPEC_VERSION, "id", state->id,
                  "pid", (json_int_t)state->pid, "start_time", (json_int_t)state->start_time,
                  "bundle", state->bundle, "created", state->created);
    if (saved != NULL && state->annotations != NULL)
        json_object_set(saved, "annotations", state->annotations);
    char *text = saved != NULL ? json_dumps(saved, JSON_COMPACT) : NULL;
    json_decref(saved);
    if (text == NULL)
        return oci_error("container %s: cannot make its state (a bundle path that is not UTF-8?)",
                         state->id);
    struct iovec part = {text, strlen(text)};
    int rc = atomic_file_write(path, STATE_MODE, &part, 1);
    free(text);
    return rc;
}

void oci_state_free(struct oci_state *state)
{
    json_decref(state->annotations);
    state->annotations = NULL;
}

uint64_t oci_process_start_time(pid_t pid)
{
    char path[PATH_MAX], text[PROC_STAT_SIZE];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t len = read(fd, text, sizeof text - 1);
    close(fd);
    if (len <= 0)
        return 0;
    text[len] = '\0';
    /* The name in parentheses may hold anything, ')' too: fields start
     * after the last one. */
    char *field = strrchr(text, ')');
    if (field == NULL || field[1] != ' ' || field[2] == 'Z' || field[2] == 'X')
        return 0;
    field += 2;
    for (int i = 0; i < START_TIME_FIELD && field != NULL; i++) {
        field = strchr(field, ' ');
        field = field != NULL ? field + 1 : NULL;
    }
    return field != NULL ? strtoull(field, NULL, 10) : 0;
}

enum oci_status oci_state_status(const struct oci_state *state)
{
    char fifo[PATH_MAX];
    uint64_t start = oci_process_start_time(state->pid);
    if (start == 0 || start != state->start_time)
        return OCI_STATUS_STOPPED;
    if (path_join(fifo, sizeof fifo, state->dir, OCI_EXEC_FIFO) == 0 && access(fifo, F_OK) == 0)
        return OCI_STATUS_CREATED;
    return OCI_STATUS_RUNNING;
}

const char *oci_status_name(enum oci_status status)
{
    static const char *const names[] = {
        [OCI_STATUS_CREATED] = "created",
        [OCI_STATUS_RUNNING] = "running",
        [OCI_STATUS_STOPPED] = "stopped",
    };
    return names[status];
}

json_t *oci_state_json(const struct oci_state *state, enum oci_status status)
{
    /* The spec asks for the pid while there is a process; runc says 0 after. */
    pid_t pid = status == OCI_STATUS_STOPPED ? 0 : state->pid;
    json_t *json = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "ociVersion", OCI_SPEC_VERSION, "id",
                             state->id, "status", oci_status_name(status), "pid", (json_int_t)pid,
                             "bundle", state->bundle, "created", state->created);
    if (json != NULL && state->annotations != NULL)
        json_object_set(json, "annotations", state->annotations);
    return json;
}

int oci_state_remove(const char *dir)
{
    DIR *folder = opendir(dir);
    if (folder == NULL)
        return errno == ENOENT ? 0 : oci_error("%s: %s", dir, strerror(errno));
    struct dirent *entry;
    int rc = 0;
    while ((entry = readdir(folder)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0 &&
            unlinkat(dirfd(folder), entry->d_name, 0) != 0 && errno != ENOENT)
            rc = oci_error("%s/%s: %s", dir, entry->d_name, strerror(errno));
    closedir(folder);
    if (rc == 0 && rmdir(dir) != 0 && errno != ENOENT)
        return oci_error("%s: %s", dir, strerror(errno));
    return rc;
}
