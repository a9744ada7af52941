/*
 * Where an embedded file lands in the guest: GUEST_DIR joined with the
 * name a folder or an archive gives it, normalized ("." and empty
 * components dropped), and refused where the name could land elsewhere
 * (a ".." or an absolute name) or breaks the runtime's limits (abi.h).
 */
#ifndef KILN_GUEST_PATH_H
#define KILN_GUEST_PATH_H

#include <stdbool.h>

#include <kiln/abi.h>

/* The longest guest path in bytes: KILN_PATH_MAX holds its NUL too. */
#define GUEST_PATH_LEN_MAX (KILN_PATH_MAX - 1)

/* Writes dir (absolute) joined with name (relative) into path: "/" or
 * "/a/b", never a trailing "/".  Returns 0, or -1 with *why saying which
 * rule dir or name broke. */
int guest_path_join(char path[KILN_PATH_MAX], const char *dir, const char *name, const char **why);

/* Whether name, normalized, is its folder itself ("", ".", "./"). */
bool guest_path_is_here(const char *name);

#endif
