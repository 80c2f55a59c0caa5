/* main.c - the watchfloor dashboard's entry point. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("watchfloor %s\n", WF_VERSION);
		return 0;
	}
	fprintf(stderr, "watchfloor %s: the dashboard is being built (see issues)\n",
		WF_VERSION);
	return 2;
}
