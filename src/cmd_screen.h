/*
 * cmd_screen.h - the `kapsule screen` command (see cmd_screen.c).
 */
#ifndef KAPSULE_CMD_SCREEN_H
#define KAPSULE_CMD_SCREEN_H

/* Runs the command with its arguments (after "screen"); returns the exit status. */
int cmd_screen_run(char **args, int nargs);

#endif
