/*
 * An image ready to boot: what booting needs of it (struct image) and
 * where its laid-out memory comes from.  When the boot cache has the image,
 * from there, mapped, with no ELF parsed; else from the ELF file, parsed
 * and copied, and then kept in the boot cache for the next run.  Either
 * way its embedded files are mapped from the ELF file (image_files.h).
 */
#ifndef KILN_PREPARED_IMAGE_H
#define KILN_PREPARED_IMAGE_H

#include <stdbool.h>

#include "boot_cache.h"
#include "common/content_hash.h"
#include "common/mapped_file.h"
#include "guest_mem.h"
#include "image.h"
#include "monitor.h"

struct prepared_image {
    struct image image;
    struct content_hash hash; /* of the image file: the boot cache's key */
    struct mapped_file file;  /* the ELF file: its symbols name code in crash reports */
    int fd;                   /* the same, open: the embedded files are mapped from it */
    struct boot_entry cached; /* open (fd >= 0) when the boot cache had it */
    const char *cache_dir;    /* NULL: no boot cache */
    bool verbose;
};

/* Finds the image of options in the boot cache, or opens and checks its
 * file.  Returns 0, or -1 (reported, as name). */
int prepared_image_open(struct prepared_image *prepared, const struct monitor_options *options,
                        const char *name);

/* Lays the image out in guest RAM, which boot_check_memory() found it
 * fits.  Returns 0, or -1 (reported). */
int prepared_image_load(const struct prepared_image *prepared, const struct guest_mem *mem);

/* Maps the image's embedded files over mem (prepared_image_load does,
 * and so does a clone of a snapshot, whose memory leaves them out).
 * Returns 0, or -1 (reported). */
int prepared_image_map_files(const struct prepared_image *prepared, const struct guest_mem *mem);

/* After a boot-cache miss, keeps the memory prepared_image_load laid out
 * in the boot cache; call it before the guest runs. */
void prepared_image_keep(const struct prepared_image *prepared, const struct guest_mem *mem);

void prepared_image_close(struct prepared_image *prepared);

#endif
