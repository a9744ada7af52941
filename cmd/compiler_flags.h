/*
 * gcc's own flags on kiln build's and kiln run's lines: the ones a C
 * program's build passes (-std=, -f..., -W..., -w, -g..., -m..., -pthread,
 * -include, -isystem, -U, -L, -Wl,...), each taken into the compile or the
 * link command in the order given, and the few that cannot work in a kiln
 * image, a static, non-PIE x86-64 ELF laid out by runtime/kiln.ld, refused
 * in one line that names the flag and says why.
 */
#ifndef KILN_COMPILER_FLAGS_H
#define KILN_COMPILER_FLAGS_H

#include "option_parser.h"
#include "options.h"

/* Takes the flag at parser->argv[parser->at] into compile's cflags or
 * ldflags (-pthread into both): returns how many arguments it took (2 for
 * "-include FILE", "-isystem DIR", "-U NAME", "-L DIR" with the value
 * apart), 0 when it is none of gcc's flags kiln knows, or -1 refused with
 * the reason in the parser's error. */
int compiler_flags_take(struct parser *parser, struct compile_args *compile);

/* Why no image can honour arg, a gcc flag or a -Wl, list of linker
 * options; NULL when one can (kiln cc's check too). */
const char *compiler_flags_refusal(const char *arg);

#endif
