// SPDX-License-Identifier: GPL-2.0
/*
 * render.c - mgmctl's output.  Every answer arrives as JSON; with -j/-p it
 * is printed back as JSON (compact or indented), otherwise it is drawn as
 * a table FROM THAT SAME PARSED JSON, never from another source, so that
 * the table and the JSON cannot disagree.
 *
 * Tables: one header line, aligned columns (numbers to the right), one
 * row per element.  Values stay exact: counters are printed in full and
 * times in seconds become "1h02m03s" (still to the second); what is
 * unknown (JSON null) is "-".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgm/mgm_ipc_proto.h"
#include "mgm_fwd.h"
#include "mgmctl.h"

/* ---- JSON and errors ----------------------------------------------------- */

static int json_flags(void)
{
	int f = JSON_C_TO_STRING_NOSLASHESCAPE;

	return f | (opts.pretty ?
			    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			    JSON_C_TO_STRING_PLAIN);
}

static void print_json(json_object *o)
{
	fputs(json_object_to_json_string_ext(o, json_flags()), stdout);
}

static json_object *error_object(const char *msg)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "error", json_object_new_string(msg));
	return e;
}

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opts.json) {
		json_object *e = error_object(msg);

		print_json(e);
		putchar('\n');
		json_object_put(e);
		fflush(stdout);
	} else {
		fprintf(stderr, "Error: %s\n", msg);
	}
}

void p_note(const char *fmt, ...)
{
	va_list ap;

	fputs("Note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- cells --------------------------------------------------------------- */

/*
 * An answer is untrusted input (anything may listen on the socket path):
 * no value is assumed to have the type its key promises, JSON null is a
 * NULL json_object (json_object_get_string(NULL) is NULL), and text is
 * printed without the control characters that would drive the terminal.
 */

/* The text of any value, never NULL: null is "-", a string is itself,
 * anything else its JSON text.  Valid until v changes. */
static const char *text_of(json_object *v)
{
	const char *s;

	if (!v || json_object_is_type(v, json_type_null))
		return "-";
	if (json_object_is_type(v, json_type_string))
		s = json_object_get_string(v);
	else
		s = json_object_to_json_string_ext(
			v, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE);
	return s ? s : "?";
}

/* Control characters (a terminal's escape sequences) become '?'. */
static char *sanitize(char *s)
{
	unsigned char *p;

	for (p = (unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* A sanitized copy of the text of v (malloc'ed; NULL if out of memory). */
static char *text_dup(json_object *v)
{
	return sanitize(strdup(text_of(v)));
}

enum fmt {
	F_STR,
	F_NUM,
	F_HEX,
	F_DUR, /* seconds */
	F_BOOL,
	F_LIST, /* array of strings, comma separated */
};

struct col {
	const char *key;
	const char *head;
	enum fmt fmt;
};

/* 3725 -> "1h02m05s": readable, and still exact to the second. */
static void fmt_duration(char *buf, size_t len, int64_t s)
{
	int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	if (s < 0)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (d)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h%02" PRId64 "m",
			 d, h, m);
	else if (h)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m%02" PRId64 "s",
			 h, m, s % 60);
	else if (m)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", m, s % 60);
	else
		snprintf(buf, len, "%" PRId64 "s", s);
}

/*
 * The text of one cell (malloc'ed, NULL only if out of memory).  Missing
 * or null: "-"; a value of another type than the column's: its JSON text.
 */
static char *cell(json_object *v, enum fmt f)
{
	char buf[64];
	size_t i, n;

	if (!v || json_object_is_type(v, json_type_null))
		return strdup("-");
	switch (f) {
	case F_NUM:
		/* The JSON text of an integer is exact (also past int64). */
		break;
	case F_HEX:
	case F_DUR:
		if (!json_object_is_type(v, json_type_int))
			break;
		if (f == F_HEX)
			snprintf(buf, sizeof(buf), "0x%08" PRIx64,
				 (uint64_t)json_object_get_int64(v));
		else
			fmt_duration(buf, sizeof(buf),
				     json_object_get_int64(v));
		return strdup(buf);
	case F_BOOL:
		if (json_object_is_type(v, json_type_boolean))
			return strdup(json_object_get_boolean(v) ? "yes" :
								   "no");
		break;
	case F_LIST:
		if (!json_object_is_type(v, json_type_array))
			break;
		n = json_object_array_length(v);
		if (!n)
			return strdup("-");
		{
			size_t cap = 1, off = 0, l;
			char *s;

			for (i = 0; i < n; i++)
				cap += strlen(text_of(json_object_array_get_idx(
					       v, i))) +
				       1;
			s = malloc(cap);
			if (!s)
				return NULL;
			for (i = 0; i < n; i++) {
				const char *t = text_of(
					json_object_array_get_idx(v, i));

				if (i)
					s[off++] = ',';
				l = strlen(t);
				memcpy(s + off, t, l);
				off += l;
			}
			s[off] = '\0';
			return sanitize(s);
		}
	case F_STR:
		break;
	}
	return text_dup(v);
}

static bool right_aligned(enum fmt f)
{
	return f == F_NUM || f == F_HEX || f == F_DUR;
}

/* ---- tables -------------------------------------------------------------- */

static void print_cell(const char *s, size_t width, bool right, bool last)
{
	if (right)
		printf("%*s", (int)width, s);
	else if (last)
		fputs(s, stdout); /* no trailing blanks */
	else
		printf("%-*s", (int)width, s);
}

/*
 * An array of objects as a table with the given columns.  w (ncols) are
 * the widths so far, or NULL: one table.  A paged answer passes the same
 * w for every page and head only for the first: columns keep their width
 * from page to page, widening only for a longer value.
 */
static void table_rows(json_object *a, const struct col *cols, size_t ncols,
		       size_t *w_in, bool head)
{
	size_t rows = json_object_array_length(a), r, c;
	size_t *w = w_in ? w_in : calloc(ncols, sizeof(*w));
	char **cells = calloc(rows * ncols + 1, sizeof(*cells));

	if (!w || !cells) {
		if (!w_in)
			free(w);
		free(cells);
		p_err("out of memory");
		return;
	}
	for (c = 0; c < ncols; c++)
		if (strlen(cols[c].head) > w[c])
			w[c] = strlen(cols[c].head);
	for (r = 0; r < rows; r++) {
		json_object *row = json_object_array_get_idx(a, r), *v;

		for (c = 0; c < ncols; c++) {
			char **p = &cells[r * ncols + c];

			v = NULL;
			if (json_object_is_type(row, json_type_object))
				json_object_object_get_ex(row, cols[c].key, &v);
			*p = cell(v, cols[c].fmt);
			if (!*p)
				*p = strdup("?");
			if (*p && strlen(*p) > w[c])
				w[c] = strlen(*p);
		}
	}
	for (c = 0; head && c < ncols; c++) {
		print_cell(cols[c].head, w[c], right_aligned(cols[c].fmt),
			   c == ncols - 1);
		fputs(c == ncols - 1 ? "\n" : "  ", stdout);
	}
	for (r = 0; r < rows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];

			print_cell(s ? s : "?", w[c],
				   right_aligned(cols[c].fmt), c == ncols - 1);
			fputs(c == ncols - 1 ? "\n" : "  ", stdout);
		}
	}
	for (r = 0; r < rows * ncols; r++)
		free(cells[r]);
	free(cells);
	if (!w_in)
		free(w);
}

static void table(json_object *a, const struct col *cols, size_t ncols)
{
	table_rows(a, cols, ncols, NULL, true);
}

static const struct col interface_cols[] = {
	{ "name", "INTERFACE", F_STR },
	{ "ifindex", "IFINDEX", F_NUM },
	{ "state", "STATE", F_STR },
	{ "owner", "OWNER", F_STR },
	{ "igmp", "IGMP", F_BOOL },
	{ "xdp", "XDP", F_BOOL },
	{ "rx", "RX", F_STR },
	{ "tx", "TX", F_STR },
	{ "mtu", "MTU", F_NUM },
	{ "ttl_threshold", "TTL", F_NUM },
	{ "out_packets", "OUT-PACKETS", F_NUM },
	{ "out_bytes", "OUT-BYTES", F_NUM },
	{ "ttl_too_low", "TTL-LOW", F_NUM },
	{ "discards", "DISCARDS", F_NUM },
	{ "frag_needed", "FRAG-NEEDED", F_NUM },
};

static const struct col protocol_cols[] = {
	{ "name", "PROTOCOL", F_STR },
	{ "protocol_id", "ID", F_HEX },
	{ "component_id", "COMPONENT", F_NUM },
	{ "interfaces", "INTERFACES", F_NUM },
	{ "memberships", "MEMBERSHIPS", F_NUM },
};

static const struct col remote_cols[] = {
	{ "name", "PROTOCOL", F_STR },
	{ "protocol_id", "ID", F_HEX },
	{ "component_id", "COMPONENT", F_NUM },
	{ "pid", "PID", F_NUM },
	{ "connected", "CONNECTED", F_BOOL },
	{ "callbacks", "CALLBACKS", F_NUM },
	{ "timeouts", "TIMEOUTS", F_NUM },
	{ "bad_answers", "BAD-ANSWERS", F_NUM },
};

static const struct col group_cols[] = {
	{ "protocol", "PROTOCOL", F_STR },
	{ "interface", "INTERFACE", F_STR },
	{ "source", "SOURCE", F_STR },
	{ "group", "GROUP", F_STR },
};

/* timeout and origin are in the JSON; the table keeps to what fits. */
static const struct col mfe_cols[] = {
	{ "source", "SOURCE", F_STR },	   { "group", "GROUP", F_STR },
	{ "iif", "IIF", F_STR },	   { "oifs", "OIFS", F_LIST },
	{ "packets", "PACKETS", F_NUM },   { "bytes", "BYTES", F_NUM },
	{ "wrong_if", "WRONG-IF", F_NUM }, { "uptime", "UPTIME", F_DUR },
	{ "expires", "EXPIRES", F_DUR },   { "upstream", "UPSTREAM", F_STR },
	{ "protocol", "PROTOCOL", F_STR },
};

static const struct col kernel_cols[] = {
	{ "family", "FAMILY", F_STR },
	{ "source", "SOURCE", F_STR },
	{ "group", "GROUP", F_STR },
	{ "iif", "IIF", F_STR },
	{ "oifs", "OIFS:TTL", F_LIST },
	{ "path", "PATH", F_STR },
	{ "reason", "REASON", F_STR },
	{ "since", "SINCE", F_DUR },
	{ "kernel_packets", "KERNEL-PKTS", F_NUM },
};

#define TABLE(a, cols) table(a, cols, sizeof(cols) / sizeof(cols[0]))

/* The mirror: "table N", its counters on one line, then its entries. */
static void kernel(json_object *o)
{
	json_object *v;

	if (json_object_object_get_ex(o, "table", &v)) {
		char *t = text_dup(v);

		printf("table %s", t ? t : "?");
		free(t);
	}
	/* The families mirrored; ip6mr's table (its default differs). */
	if (json_object_object_get_ex(o, "families", &v) &&
	    json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) > 0) {
		size_t i;

		printf("  families");
		for (i = 0; i < json_object_array_length(v); i++) {
			char *t = text_dup(json_object_array_get_idx(v, i));

			printf("%s%s", i ? "," : " ", t ? t : "?");
			free(t);
		}
	}
	if (json_object_object_get_ex(o, "table6", &v)) {
		char *t = text_dup(v);

		printf("  table6 %s", t ? t : "?");
		free(t);
	}
	if (json_object_object_get_ex(o, "stats", &v) &&
	    json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, n)
		{
			char *kk = sanitize(strdup(k)), *t = text_dup(n);

			printf("  %s %s", kk ? kk : "?", t ? t : "?");
			free(kk);
			free(t);
		}
	}
	putchar('\n');
	if (json_object_object_get_ex(o, "entries", &v) &&
	    json_object_is_type(v, json_type_array))
		TABLE(v, kernel_cols);
}

/* ---- stats: two sections of name, value, meaning ------------------------- */

struct desc {
	const char *name, *text;
};

static const struct desc fastpath_desc[] = {
#define X(name, desc) { #name, desc },
	MGM_COUNTERS(X)
#undef X
		{ NULL, NULL },
};

static const struct desc controller_desc[] = {
	{ "events", "fast-path events handled" },
	{ "mfes", "MFEs in the fast path" },
	{ "mfes_created", "MFEs created" },
	{ "mfes_deleted", "MFEs deleted" },
	{ "mfes_expired", "MFEs expired (idle past their timeout)" },
	{ "install_errors", "MFEs the fast path could not take" },
	{ "mfes_out_of_sync", "MFEs the fast path refused, being retried" },
	{ "install_retries", "retries of refused MFE updates" },
	{ "misses_unowned", "misses on interfaces no protocol owns" },
	{ "mfes_negative", "MFEs without outgoing interfaces (unwanted)" },
	{ "negative_refused", "unwanted MFEs refused (interface cap, full)" },
	{ "mfes_evicted", "unwanted MFEs evicted for wanted ones" },
	{ "mfes_refused", "wanted MFEs refused: table full" },
	{ "callbacks", "callbacks to routing protocols" },
	{ "out_sets", "out-sets (devmaps) in use" },
	{ "uptime", "seconds since mgmd started" },
	{ NULL, NULL },
};

static const struct desc control_desc[] = {
#define X(name, desc) { #name, desc },
	MGM_CTL_STATS(X)
#undef X
		{ NULL, NULL },
};

static const char *desc_of(const struct desc *d, const char *name)
{
	for (; d && d->name; d++)
		if (!strcmp(d->name, name))
			return d->text;
	return "";
}

/* prefix, then text without its control characters, then suffix, '\n'. */
static void put_line(const char *prefix, const char *text, const char *suffix)
{
	char *t = sanitize(strdup(text));

	printf("%s%s%s\n", prefix, t ? t : "?", suffix);
	free(t);
}

static void stats(json_object *o)
{
	size_t wn = 0, wv = 0;
	int pass;

	/* Pass 0 measures, pass 1 prints: one alignment for both sections. */
	for (pass = 0; pass < 2; pass++) {
		json_object_object_foreach(o, sec, so)
		{
			const struct desc *d =
				!strcmp(sec, "fastpath")   ? fastpath_desc :
				!strcmp(sec, "controller") ? controller_desc :
				!strcmp(sec, "control")	   ? control_desc :
							     NULL;

			if (pass)
				put_line("", sec, "");
			if (!json_object_is_type(so, json_type_object)) {
				if (pass) {
					char *t = text_dup(so);

					put_line("  ", t ? t : "?", "");
					free(t);
				}
				continue;
			}
			json_object_object_foreach(so, k, v)
			{
				char *s = cell(v, F_NUM);
				char *kk = sanitize(strdup(k));
				const char *t = desc_of(d, k);

				if (!s || !kk) {
					free(s);
					free(kk);
					continue;
				}
				if (!pass) {
					wn = strlen(kk) > wn ? strlen(kk) : wn;
					wv = strlen(s) > wv ? strlen(s) : wv;
				} else {
					printf("  %-*s  %*s%s%s\n", (int)wn, kk,
					       (int)wv, s, *t ? "  " : "", t);
				}
				free(kk);
				free(s);
			}
		}
	}
}

/* ---- small results and stream steps -------------------------------------- */

/* Any value as text (malloc'ed, NULL only if out of memory). */
static char *scalar(json_object *v)
{
	if (json_object_is_type(v, json_type_boolean))
		return strdup(json_object_get_boolean(v) ? "yes" : "no");
	if (json_object_is_type(v, json_type_array))
		return cell(v, F_LIST);
	return text_dup(v);
}

/* {"added": "from rs group ... to r1"} -> "added  from rs ...", aligned. */
static void result(json_object *o)
{
	size_t w = 0;

	json_object_object_foreach(o, k0, v0)
	{
		(void)v0;
		w = strlen(k0) > w ? strlen(k0) : w;
	}
	json_object_object_foreach(o, k, v)
	{
		char *s = scalar(v), *kk = sanitize(strdup(k));

		printf("%-*s  %s\n", (int)w, kk ? kk : "?", s ? s : "?");
		free(kk);
		free(s);
	}
}

/* {"step":"release","interface":"r1",...} -> "release     interface=r1 ..." */
static void step(json_object *o)
{
	json_object *s;
	char *t;

	if (!json_object_object_get_ex(o, "step", &s))
		s = NULL;
	t = text_dup(s);
	printf("%-11s", t ? t : "?");
	free(t);
	json_object_object_foreach(o, k, v)
	{
		char *kk;

		if (!strcmp(k, "step"))
			continue;
		t = scalar(v);
		kk = sanitize(strdup(k));
		printf(" %s=%s", kk ? kk : "?", t ? t : "?");
		free(kk);
		free(t);
	}
	putchar('\n');
}

/* ---- entry points -------------------------------------------------------- */

void render(enum view v, json_object *o)
{
	bool arr = json_object_is_type(o, json_type_array);
	bool obj = json_object_is_type(o, json_type_object);

	if (opts.json) {
		print_json(o);
		putchar('\n');
		return;
	}
	if (v == VIEW_INTERFACES && arr)
		TABLE(o, interface_cols);
	else if (v == VIEW_PROTOCOLS && arr)
		TABLE(o, protocol_cols);
	else if (v == VIEW_REMOTES && arr)
		TABLE(o, remote_cols);
	else if (v == VIEW_GROUPS && arr)
		TABLE(o, group_cols);
	else if (v == VIEW_MFE && arr)
		TABLE(o, mfe_cols);
	else if (v == VIEW_STATS && obj)
		stats(o);
	else if (v == VIEW_KERNEL && obj)
		kernel(o);
	else if (v == VIEW_STEPS && obj)
		step(o);
	else if (obj)
		result(o);
	else /* a shape this mgmctl does not know: show it as it is */
		printf("%s\n",
		       json_object_to_json_string_ext(
			       o, JSON_C_TO_STRING_PRETTY |
					  JSON_C_TO_STRING_SPACED |
					  JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int n_streamed;

bool stream_started(void)
{
	return n_streamed > 0;
}

void stream_value(enum view v, json_object *o)
{
	if (opts.json) {
		fputs(n_streamed ? ",\n" : "[", stdout);
		print_json(o);
	} else {
		render(v, o);
	}
	n_streamed++;
	/* As it happens: the reader may be watching a slow shutdown. */
	fflush(stdout);
}

void stream_end(const char *err)
{
	if (!n_streamed) {
		if (err)
			p_err("%s", err);
		return;
	}
	if (opts.json) {
		if (err) {
			json_object *e = error_object(err);

			fputs(",\n", stdout);
			print_json(e);
			json_object_put(e);
		}
		fputs("]\n", stdout);
		fflush(stdout);
	} else if (err) {
		fflush(stdout);
		fprintf(stderr, "Error: %s\n", err);
	}
}

/* ---- paged answers (show mfe) -------------------------------------------- */

static struct {
	size_t n; /* elements printed */
	size_t w[sizeof(mfe_cols) / sizeof(mfe_cols[0])];
} pages;

void page_value(enum view v, json_object *o)
{
	size_t i, n;

	if (v != VIEW_MFE || !json_object_is_type(o, json_type_array)) {
		render(v, o); /* a shape this mgmctl does not page */
		return;
	}
	n = json_object_array_length(o);
	if (!n)
		return;
	if (opts.json) {
		/* The elements of every page as one array, as json-c would
		 * print the whole array (-p: indented by two). */
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(o, i);

			if (!opts.pretty) {
				fputs(pages.n + i ? "," : "[", stdout);
				print_json(e);
				continue;
			}
			fputs(pages.n + i ? ",\n  " : "[\n  ", stdout);
			for (const char *t = json_object_to_json_string_ext(
				     e, json_flags());
			     *t; t++) {
				putchar(*t);
				if (*t == '\n')
					fputs("  ", stdout);
			}
		}
	} else {
		table_rows(o, mfe_cols, sizeof(mfe_cols) / sizeof(mfe_cols[0]),
			   pages.w, !pages.n);
	}
	pages.n += n;
	fflush(stdout);
}

void page_end(enum view v, const char *err)
{
	(void)v;
	if (opts.json) {
		if (!pages.n) {
			json_object *a = json_object_new_array();

			if (err) {
				p_err("%s", err);
			} else {
				print_json(a);
				putchar('\n');
			}
			json_object_put(a);
		} else {
			if (err) {
				/* As a stream's: the error is the last element. */
				json_object *e = error_object(err);

				fputs(opts.pretty ? ",\n  " : ",", stdout);
				print_json(e);
				json_object_put(e);
			}
			fputs(opts.pretty ? "\n]\n" : "]\n", stdout);
		}
		fflush(stdout);
		return;
	}
	if (!pages.n && !err) { /* no entry: the header alone, as always */
		json_object *a = json_object_new_array();

		table_rows(a, mfe_cols, sizeof(mfe_cols) / sizeof(mfe_cols[0]),
			   pages.w, true);
		json_object_put(a);
	}
	if (err) {
		fflush(stdout);
		fprintf(stderr, "Error: %s\n", err);
	}
}
