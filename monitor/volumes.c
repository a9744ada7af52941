#include "volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/report.h"

/* O_PATH: the folder is only ever a place to resolve from, and needs no
 * read permission to be one. */
static int open_folder(struct volume *volume, const struct monitor_volume *spec)
{
    volume->root = -1;
    volume->in_memory = spec->in_memory;
    volume->guest = spec->guest;
    if (spec->in_memory)
        return spec->read_only ? report("%s: an in-memory volume cannot be read-only", spec->guest)
                               : 0;
    volume->root = open(spec->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (volume->root < 0)
        return report("%s: cannot be a volume: %s", spec->host,
                      errno == ENOTDIR ? "not a folder" : strerror(errno));
    volume->read_only = spec->read_only;
    return 0;
}

int volumes_open(struct volumes **volumes, const struct monitor_volume *specs, unsigned count,
                 const char *workdir)
{
    *volumes = NULL;
    if (count == 0 && workdir == NULL)
        return 0;
    if (count > KILN_VOLUME_MAX)
        return report("more than %d volumes", KILN_VOLUME_MAX);
    struct volumes *opened = calloc(1, sizeof *opened);
    if (opened == NULL)
        return report("volumes: %s", strerror(ENOMEM));
    opened->workdir = workdir;
    for (size_t i = 0; i < KILN_HANDLES_MAX; i++)
        opened->handles[i].fd = -1;
    *volumes = opened;
    for (; opened->count < count; opened->count++)
        if (open_folder(&opened->list[opened->count], &specs[opened->count]) != 0)
            return -1;
    return 0;
}

#define TABLE_ALIGN 16

static uint64_t table_size(const struct volumes *volumes)
{
    uint64_t size = sizeof(struct kiln_volume_table);
    for (uint32_t i = 0; i < volumes->count; i++)
        size += strlen(volumes->list[i].guest);
    return size + (volumes->workdir ? strlen(volumes->workdir) : 0);
}

/* Copies text after the table, where *next points; returns its address. */
static uint64_t put_string(uint8_t *host, uint64_t base, uint64_t *next, const char *text,
                           uint32_t *len)
{
    uint64_t at = *next;
    *len = (uint32_t)strlen(text);
    memcpy(host + (at - base), text, *len);
    *next += *len;
    return at;
}

uint64_t volumes_write_table(const struct volumes *volumes, const struct guest_mem *mem,
                             uint64_t top)
{
    if (volumes == NULL)
        return top;
    uint64_t size = table_size(volumes);
    uint64_t base = (top - size) & ~(uint64_t)(TABLE_ALIGN - 1);
    uint8_t *host = size < top ? guest_mem_for_write(mem, base, top - base) : NULL;
    if (host == NULL)
        return 0;
    struct kiln_volume_table table = {.count = volumes->count};
    uint64_t next = base + sizeof table;
    for (uint32_t i = 0; i < volumes->count; i++) {
        struct kiln_volume *volume = &table.volumes[i];
        volume->flags = (volumes->list[i].read_only ? KILN_VOLUME_READ_ONLY : 0) |
                        (volumes->list[i].in_memory ? KILN_VOLUME_MEMORY : 0);
        volume->path = put_string(host, base, &next, volumes->list[i].guest, &volume->path_len);
    }
    if (volumes->workdir != NULL)
        table.workdir = put_string(host, base, &next, volumes->workdir, &table.workdir_len);
    memcpy(host, &table, sizeof table);
    return base;
}

void volumes_close(struct volumes *volumes)
{
    if (volumes == NULL)
        return;
    for (size_t i = 0; i < KILN_HANDLES_MAX; i++)
        if (volumes->handles[i].fd >= 0)
            close(volumes->handles[i].fd);
    for (uint32_t i = 0; i < volumes->count; i++)
        if (volumes->list[i].root >= 0)
            close(volumes->list[i].root);
    free(volumes);
}

const struct volume *volumes_get(const struct volumes *volumes, uint32_t index)
{
    if (volumes == NULL || index >= volumes->count || volumes->list[index].in_memory)
        return NULL;
    return &volumes->list[index];
}

/* The lowest free handle, as Linux gives the lowest free descriptor. */
int volumes_add_handle(struct volumes *volumes, int fd, uint32_t volume)
{
    for (int i = 0; i < KILN_HANDLES_MAX; i++) {
        if (volumes->handles[i].fd < 0) {
            volumes->handles[i] = (struct volume_handle){.fd = fd, .volume = volume};
            return i;
        }
    }
    close(fd);
    return -EMFILE;
}

const struct volume_handle *volumes_handle(const struct volumes *volumes, uint32_t handle)
{
    if (volumes == NULL || handle >= KILN_HANDLES_MAX || volumes->handles[handle].fd < 0)
        return NULL;
    return &volumes->handles[handle];
}

int volumes_drop_handle(struct volumes *volumes, uint32_t handle)
{
    if (volumes_handle(volumes, handle) == NULL)
        return -EBADF;
    close(volumes->handles[handle].fd);
    volumes->handles[handle].fd = -1;
    return 0;
}
