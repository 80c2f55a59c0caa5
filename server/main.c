/* main.c - watchfloord's entry point. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("watchfloord %s\n", WF_VERSION);
		return 0;
	}
	fprintf(stderr, "watchfloord %s: the backend is being built (see issues)\n",
		WF_VERSION);
	return 2;
}
