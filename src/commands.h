/* The command table: one entry per command, each in its own cmd_*.c. */
#ifndef HMPLAN_COMMANDS_H
#define HMPLAN_COMMANDS_H

#include <stdio.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *fp);
	const char *summary;
};

int cmd_layout(int argc, char **argv);
void help_layout(FILE *fp);
int cmd_profiles(int argc, char **argv);
void help_profiles(FILE *fp);
int cmd_stress(int argc, char **argv);
void help_stress(FILE *fp);
int cmd_sweep(int argc, char **argv);
void help_sweep(FILE *fp);
int cmd_check(int argc, char **argv);
void help_check(FILE *fp);
int cmd_replay(int argc, char **argv);
void help_replay(FILE *fp);

extern const struct command commands[];
const struct command *command_find(const char *name);

#endif
