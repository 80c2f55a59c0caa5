/* harness.c - headless rendering harness (see harness.h). */
#include "harness.h"

#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/decode.h"
#include "net/outbox.h"
#include "themes/theme.h"

int wf_harness_open(struct wf_harness *h, int rows, int cols, bool read_only,
		    bool with_outbox)
{
	char num[16];
	memset(h, 0, sizeof(*h));
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	snprintf(num, sizeof(num), "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof(num), "%d", cols);
	setenv("COLUMNS", num, 1);
	unsetenv("NO_COLOR");
	h->out = tmpfile();
	h->in = fopen("/dev/null", "r");
	h->model = wf_model_new(NULL);
	if (!h->out || !h->in || !h->model)
		return -1;
	h->screen = newterm("xterm-256color", h->out, h->in);
	if (!h->screen)
		return -1;
	set_term(h->screen);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	struct wf_theme t;
	wf_theme_default(&t);
	wf_theme_activate(&t);
	refresh();
	if (with_outbox) {
		char err[256];
		snprintf(h->state_dir, sizeof(h->state_dir), "/tmp/wf-harness-XXXXXX");
		if (!mkdtemp(h->state_dir))
			return -1;
		h->outbox = wf_outbox_open(h->state_dir, read_only, err, sizeof(err));
		if (!h->outbox)
			return -1;
	}
	if (wf_ui_init(&h->ui, h->model, h->outbox, read_only) != 0)
		return -1;
	wf_ui_screen(&h->ui, &h->active);
	h->out_pos = (long)lseek(fileno(h->out), 0, SEEK_CUR);
	return 0;
}

void wf_harness_close(struct wf_harness *h)
{
	wf_ui_free(&h->ui);
	if (h->screen) {
		endwin();
		delscreen(h->screen);
	}
	if (h->outbox) {
		char path[128];
		snprintf(path, sizeof(path), "%s", wf_outbox_path(h->outbox));
		wf_outbox_close(h->outbox);
		unlink(path);
		rmdir(h->state_dir);
	}
	wf_model_free(h->model);
	if (h->out)
		fclose(h->out);
	if (h->in)
		fclose(h->in);
	free(h->frame);
	memset(h, 0, sizeof(*h));
}

int wf_harness_apply(struct wf_harness *h, const char *fmt, ...)
{
	char buf[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct wf_event ev;
	struct wf_decode_error err;
	if (wf_decode_envelope(buf, strlen(buf), &ev, &err) != 0) {
		fprintf(stderr, "harness: decode: %s in %s\n", err.msg, buf);
		return -1;
	}
	wf_model_apply(h->model, &ev);
	wf_event_clear(&ev);
	return 0;
}

size_t wf_harness_frame(struct wf_harness *h, int64_t now, bool force)
{
	wf_screen_set_now(&h->active, now);
	wf_screen_render(&h->active, force);
	int fd = fileno(h->out);
	long end = (long)lseek(fd, 0, SEEK_CUR);
	size_t n = end > h->out_pos ? (size_t)(end - h->out_pos) : 0;
	free(h->frame);
	h->frame = calloc(n + 1, 1);
	h->frame_len = 0;
	if (h->frame && n && pread(fd, h->frame, n, h->out_pos) == (ssize_t)n)
		h->frame_len = n;
	h->out_pos = end;
	return n;
}

unsigned wf_harness_key(struct wf_harness *h, int ch, bool is_key)
{
	return wf_screen_key(&h->active, (wint_t)ch, is_key);
}

void wf_harness_type(struct wf_harness *h, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == 0 || n > len)
			break;
		wf_screen_key(&h->active, (wint_t)wc, false);
		s += n;
		len -= n;
	}
}

void wf_harness_resize(struct wf_harness *h, int rows, int cols)
{
	resize_term(rows, cols);
	wf_screen_resize(&h->active);
}

void wf_harness_row(struct wf_harness *h, int y, char *buf, size_t size)
{
	size_t o = 0;
	int cols = getmaxx(curscr);
	for (int x = 0; x < cols && o + 16 < size; x++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t at;
		short pair;
		if (mvwin_wch(curscr, y, x, &cc) == ERR)
			break;
		if (getcchar(&cc, wc, &at, &pair, NULL) == ERR)
			continue;
		if (wc[0] == 0) {
			buf[o++] = ' ';
			continue;
		}
		for (int i = 0; wc[i] && i < CCHARW_MAX; i++) {
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(buf + o, wc[i], &st);
			if (n != (size_t)-1)
				o += n;
		}
		int w = wcwidth(wc[0]);
		if (w == 2)
			x++; /* the next cell is the right half */
	}
	buf[o] = '\0';
}

bool wf_harness_find(struct wf_harness *h, const char *needle)
{
	char row[2048];
	for (int y = 0; y < getmaxy(curscr); y++) {
		wf_harness_row(h, y, row, sizeof(row));
		if (strstr(row, needle))
			return true;
	}
	return false;
}

bool wf_harness_frame_has(const struct wf_harness *h, const void *needle, size_t n)
{
	if (!h->frame || n == 0 || h->frame_len < n)
		return false;
	return memmem(h->frame, h->frame_len, needle, n) != NULL;
}
