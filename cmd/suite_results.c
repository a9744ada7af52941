#include "suite_results.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/version.h>

#include "builder/embedded_files.h"
#include "common/cache_entry.h"
#include "volume_options.h"

/* What a record holds; its header's hash guards it. */
struct result_record {
    uint64_t ns;
};

/* Strings go in with their terminating NUL, so that ("ab", "c") and
 * ("a", "bc") hash apart. */
static void add_text(struct content_hasher *hasher, const char *text)
{
    content_hasher_add(hasher, text, strlen(text) + 1);
}

/* A read-only volume's contents as the builder would embed them: paths,
 * modes, links and bytes, normalized, so that touching a file without
 * changing it keeps the key. */
static int add_volume_contents(struct content_hasher *hasher, const struct monitor_volume *volume)
{
    struct files_source source = {volume->host, "/"};
    struct files_blob blob;
    if (embedded_files_gather(&source, 1, NULL, false, &blob) < 0)
        return -1;
    struct content_hash contents = content_hash_of(blob.bytes, blob.size);
    content_hasher_add(hasher, contents.bytes, sizeof contents.bytes);
    files_blob_free(&blob);
    return 0;
}

int suite_results_inputs(const struct run_args *args, struct content_hash *inputs, bool *keyed)
{
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    *keyed = true;
    for (size_t i = 0; i < args->program_arg_count; i++)
        add_text(&hasher, args->program_args[i]);
    add_text(&hasher, "--env");
    for (size_t i = 0; i < args->env_count; i++)
        add_text(&hasher, args->env[i]);
    content_hasher_add(&hasher, &args->mem_size, sizeof args->mem_size);
    add_text(&hasher, args->volumes->workdir);
    for (size_t i = 0; i < args->volumes->count; i++) {
        const struct monitor_volume *volume = &args->volumes->list[i];
        add_text(&hasher, volume->guest);
        if (!volume->read_only)
            *keyed = false;
        else if (add_volume_contents(&hasher, volume) < 0)
            return -1;
    }
    *inputs = content_hasher_digest(&hasher);
    return 0;
}

struct content_hash suite_results_key(const struct content_hash *inputs,
                                      const struct content_hash *image, const char *argv0)
{
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    add_text(&hasher, "kiln test result " KILN_VERSION);
    content_hasher_add(&hasher, image->bytes, sizeof image->bytes);
    add_text(&hasher, argv0);
    content_hasher_add(&hasher, inputs->bytes, sizeof inputs->bytes);
    return content_hasher_digest(&hasher);
}

static bool record_is_sane(const void *payload, size_t size)
{
    (void)payload;
    return size == sizeof(struct result_record);
}

int suite_results_find(const char *cache_dir, const struct content_hash *key, uint64_t *ns)
{
    char path[PATH_MAX];
    void *payload;
    size_t size;
    if (cache_entry_path(path, sizeof path, cache_dir, CACHE_RESULTS, key, "") < 0 ||
        cache_record_take(path, record_is_sane, "not a test result", &payload, &size) != 1)
        return 0;
    struct result_record record;
    memcpy(&record, payload, sizeof record);
    free(payload);
    *ns = record.ns;
    return 1;
}

int suite_results_record(const char *cache_dir, const struct content_hash *key, uint64_t ns)
{
    char path[PATH_MAX];
    struct result_record record = {.ns = ns};
    if (cache_entry_path(path, sizeof path, cache_dir, CACHE_RESULTS, key, "") < 0 ||
        cache_entry_make_folder(path) < 0)
        return -1;
    return cache_record_write(path, &record, sizeof record);
}
