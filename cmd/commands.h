/*
 * The subcommands of kiln.  Each takes its own argv (argv[0] is its name)
 * and returns kiln's exit code (exit_codes.h).
 */
#ifndef KILN_COMMANDS_H
#define KILN_COMMANDS_H

int cmd_build(int argc, char **argv);
int cmd_cc(int argc, char **argv); /* also kiln-cc */
int cmd_run(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_serve(int argc, char **argv);      /* in kiln-serve */
int cmd_serve_exec(int argc, char **argv); /* in kiln: runs kiln-serve */
int cmd_new(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
