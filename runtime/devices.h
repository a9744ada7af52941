/*
 * What a Linux program expects to find besides its own files, made in the
 * layer at the first file call: /tmp (empty), /root, /dev with null, zero,
 * random, urandom, stdin, stdout, stderr and shm, /proc/self/exe, and an
 * /etc/passwd and /etc/group naming root unless the image has its own.
 * With a root volume, /dev and /proc alone, which the root volume's do
 * not show through, as a container's are mounts of their own: the root
 * file system brings the rest.
 */
#ifndef KILN_RUNTIME_DEVICES_H
#define KILN_RUNTIME_DEVICES_H

#include "fd_table.h"

/* Makes what is missing of the above (what memory allows). */
void devices_populate(struct fs *fs);

/* Opens a device node: 0 with *file, or -errno. */
long devices_open(struct fs_node *node, uint32_t flags, struct open_file **file);

#endif
