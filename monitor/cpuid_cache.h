/*
 * What KVM_GET_SUPPORTED_CPUID answers, kept in the cache (cpuid/<key>).
 * Measured on PVM, the ioctl takes about 270 us, a seventh of a whole
 * boot, and its answer changes only when KVM's module is loaded (it reads
 * the CPU then): the key is the kernel's build, its boot id and the
 * /dev/kvm node, so a reboot or a reloaded module asks KVM again.
 */
#ifndef KILN_CPUID_CACHE_H
#define KILN_CPUID_CACHE_H

#include <linux/kvm.h>

#include "common/content_hash.h"

#define CPUID_MAX_ENTRIES 256

/* The key of the KVM behind kvm_fd.  Returns 0, or -1 when its identity
 * cannot be read (then there is no key and no caching). */
int cpuid_cache_key(int kvm_fd, struct content_hash *key);

/* KVM's supported CPUID from the cache under cache_dir (NULL: none), or
 * else from kvm_fd, then kept in the cache.  Returns a calloc'd table
 * (free it), or NULL (reported). */
struct kvm_cpuid2 *cpuid_supported(int kvm_fd, const char *cache_dir);

#endif
