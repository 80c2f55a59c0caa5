/* token.h - `watchfloord token`: the operator's tool for the tokens file (new, list,
 * revoke). A new token comes from the OS's random generator and is printed once; only
 * its SHA-256 goes into the file, which is created 0600 and rewritten atomically. */
#ifndef WFD_TOKEN_H
#define WFD_TOKEN_H

/* Runs `watchfloord token ...` (argv[0] is "token"); returns the exit status. */
int token_main(int argc, char **argv);

/* The usage lines of the subcommand (for watchfloord --help). */
extern const char token_usage[];

#endif
