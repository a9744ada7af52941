#include "core_writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/content_hash.h"
#include "common/report.h"

/* The name of the writer's thread, as /proc and debuggers show it. */
#define WRITER_THREAD_NAME "kiln-core"

/* A worker's crashed VM, lent to the writer until done. */
struct core_request {
    const struct vm *vm;
    const struct core_registers *at;
    const char *name;
    bool done;
};

struct core_writer {
    char *dir;
    char *image_path;
    char *program;
    struct content_hash image_hash;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a request came or was done, or the writer stops */
    struct core_request *request;
    bool stopping;
    bool wrote_any;
    int64_t last_ns; /* when the last core was taken on, CLOCK_MONOTONIC */
};

/* The file core_file_open() makes: argv is the program alone, as kiln
 * serve runs every function. */
static int open_core(struct core_file *core, struct core_writer *writer)
{
    return core_file_open(core, writer->dir, writer->image_path, &writer->image_hash, 1,
                          &writer->program);
}

static void write_core(struct core_writer *writer, const struct core_request *request)
{
    struct core_file core;
    if (open_core(&core, writer) != 0)
        return;
    int rc = core_file_write(&core, request->vm, request->at);
    if (rc == 0)
        report("%s: core written to %s", request->name, core.path);
    else
        report("%s: core not written: %s: %s", request->name, core.path, strerror(-rc));
    core_file_close(&core);
}

static void *writer_main(void *arg)
{
    struct core_writer *writer = arg;
    pthread_mutex_lock(&writer->lock);
    for (;;) {
        while (writer->request == NULL && !writer->stopping)
            pthread_cond_wait(&writer->changed, &writer->lock);
        struct core_request *request = writer->request;
        if (request == NULL)
            break;
        pthread_mutex_unlock(&writer->lock);
        write_core(writer, request);
        pthread_mutex_lock(&writer->lock);
        request->done = true;
        writer->request = NULL;
        pthread_cond_broadcast(&writer->changed);
    }
    pthread_mutex_unlock(&writer->lock);
    return NULL;
}

static void writer_free(struct core_writer *writer)
{
    pthread_mutex_destroy(&writer->lock);
    pthread_cond_destroy(&writer->changed);
    free(writer->dir);
    free(writer->image_path);
    free(writer->program);
    free(writer);
}

/* The image's hash as kiln inspect prints it, of the file the snapshot
 * mapped; and a core's temporary file made and removed, so that a DIR
 * that cannot hold one is refused now, as kiln run refuses it. */
static int check_dir(struct core_writer *writer, const struct snapshot *snap)
{
    const struct mapped_file *file = &snap->image.file;
    struct core_file core;
    writer->image_hash = content_hash_of(file->bytes, file->size);
    if (open_core(&core, writer) != 0)
        return -1;
    core_file_close(&core);
    return 0;
}

struct core_writer *core_writer_start(const struct core_writer_options *options)
{
    struct core_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) {
        report("%s: out of memory", options->snapshot->name);
        return NULL;
    }
    pthread_mutex_init(&writer->lock, NULL);
    pthread_cond_init(&writer->changed, NULL);
    writer->dir = strdup(options->dir);
    writer->image_path = strdup(options->image_path);
    writer->program = strdup(options->program);
    int rc = writer->dir && writer->image_path && writer->program
                 ? check_dir(writer, options->snapshot)
                 : report("%s: out of memory", options->snapshot->name);
    if (rc == 0 && (rc = pthread_create(&writer->thread, NULL, writer_main, writer)) != 0)
        rc = report("%s: starting the core writer: %s", options->snapshot->name, strerror(rc));
    if (rc != 0) {
        writer_free(writer);
        return NULL;
    }
    pthread_setname_np(writer->thread, WRITER_THREAD_NAME);
    return writer;
}

/* The first crash of an interval takes it, whether its core is then
 * written or not. */
static bool take_interval(struct core_writer *writer)
{
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    pthread_mutex_lock(&writer->lock);
    bool due = !writer->wrote_any || now - writer->last_ns >= CORE_WRITER_INTERVAL_S * NS_PER_S;
    if (due) {
        writer->wrote_any = true;
        writer->last_ns = now;
    }
    pthread_mutex_unlock(&writer->lock);
    return due;
}

void core_writer_dump(struct core_writer *writer, const struct vm *vm, const struct core_file *core,
                      const char *name)
{
    if (!core->dumped || !take_interval(writer))
        return;
    struct core_request request = {.vm = vm, .at = &core->kept, .name = name};
    pthread_mutex_lock(&writer->lock);
    while (writer->request != NULL)
        pthread_cond_wait(&writer->changed, &writer->lock);
    writer->request = &request;
    pthread_cond_broadcast(&writer->changed);
    while (!request.done)
        pthread_cond_wait(&writer->changed, &writer->lock);
    pthread_mutex_unlock(&writer->lock);
}

void core_writer_stop(struct core_writer *writer)
{
    if (writer == NULL)
        return;
    pthread_mutex_lock(&writer->lock);
    writer->stopping = true;
    pthread_cond_broadcast(&writer->changed);
    pthread_mutex_unlock(&writer->lock);
    pthread_join(writer->thread, NULL);
    writer_free(writer);
}
