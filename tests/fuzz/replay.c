// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - a standalone main for the fuzz harnesses: feeds every file
 * of the given corpus directories (or files) to LLVMFuzzerTestOneInput()
 * once, each in its own child process, so that the checked-in corpora
 * are a regression test without libFuzzer (built with gcc and
 * ASan/UBSan, see mk/fuzz.mk).  One check per input: a child that
 * crashes, aborts (a sanitizer report) or leaks fails it.  The last line
 * is the usual "N passed, N failed, N skipped".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int passed, failed, skipped;
static FILE *out; /* the real stdout: harnesses may silence fd 1 */

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return -1;
	for (;;) {
		if (len == cap) {
			uint8_t *p;

			cap = cap ? 2 * cap : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	/* libFuzzer hands over a buffer of exactly the input's size. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static void one(const char *path)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		failed++;
		return;
	}
	if (!pid)
		exit(run_file(path) ? 3 : 0);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(out, "FAIL %s (%s %d)\n", path,
			WIFSIGNALED(st) ? "signal" : "exit",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		failed++;
	} else {
		if (getenv("V"))
			fprintf(out, "ok   %s\n", path);
		passed++;
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void walk(const char *path)
{
	struct dirent **ents;
	struct stat sb;
	int n, i;

	if (stat(path, &sb)) {
		fprintf(out, "FAIL %s: not found\n", path);
		failed++;
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		one(path);
		return;
	}
	n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		fprintf(out, "FAIL %s: cannot read\n", path);
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		char p[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name);
			if (!stat(p, &sb) && S_ISREG(sb.st_mode))
				one(p);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	int i, fd = dup(1);

	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out)
		out = stdout;
	setvbuf(out, NULL, _IOLBF, 0);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		walk(argv[i]);
	if (!passed && !failed) {
		fprintf(out, "SKIP replay: no inputs in the corpus\n");
		skipped++;
	}
	fprintf(out, "%d passed, %d failed, %d skipped\n", passed, failed,
		skipped);
	return failed ? 1 : 0;
}
