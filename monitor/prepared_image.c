#include "prepared_image.h"

static bool from_cache(const struct prepared_image *prepared)
{
    return prepared->cached.fd >= 0;
}

/* The boot cache's key, which the caller may know already.  Returns
 * whether there is one: an unreadable file has none, and image_map says
 * why. */
static bool hash_image(struct prepared_image *prepared, const struct monitor_options *options)
{
    if (options->image_hash != NULL) {
        prepared->hash = *options->image_hash;
        return true;
    }
    return content_hash_file(options->image_path, &prepared->hash) == 0;
}

int prepared_image_open(struct prepared_image *prepared, const struct monitor_options *options,
                        const char *name)
{
    *prepared = (struct prepared_image){
        .cached.fd = -1, .cache_dir = options->cache_dir, .verbose = options->verbose};
    if (prepared->cache_dir != NULL && hash_image(prepared, options) &&
        boot_cache_open(&prepared->cached, &prepared->image, prepared->cache_dir, &prepared->hash,
                        name, prepared->verbose))
        return 0;
    if (image_map(&prepared->file, options->image_path, name) != 0)
        return -1;
    /* The boot entry is kept under the hash of the very bytes laid out, even
     * if the file changed since it was hashed. */
    if (prepared->cache_dir != NULL)
        prepared->hash = content_hash_of(prepared->file.bytes, prepared->file.size);
    return image_parse(&prepared->image, name, prepared->file.bytes, prepared->file.size);
}

int prepared_image_load(const struct prepared_image *prepared, const struct guest_mem *mem,
                        uint64_t ram_limit)
{
    if (!from_cache(prepared))
        return image_load(&prepared->image, mem, ram_limit);
    if (image_fits(&prepared->image, ram_limit) != 0)
        return -1;
    return boot_cache_map(&prepared->cached, &prepared->image, mem);
}

void prepared_image_keep(const struct prepared_image *prepared, const struct guest_mem *mem)
{
    if (prepared->cache_dir != NULL && !from_cache(prepared))
        boot_cache_save(prepared->cache_dir, &prepared->hash, &prepared->image, mem,
                        prepared->verbose);
}

void prepared_image_close(struct prepared_image *prepared)
{
    boot_cache_close(&prepared->cached);
    mapped_file_close(&prepared->file);
}
