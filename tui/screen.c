/* screen.c - the pieces every screen shares (see screen.h): the formatted message,
 * the theme hook with its messages, and the whole-terminal repaint. */
#include "screen.h"

#include <stdarg.h>
#include <stdio.h>

#include <curses.h>

void wf_screen_message(const struct wf_screen *s, int role, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->ops->message(s->self, role, text);
}

int wf_screen_theme(const struct wf_screen_hooks *h, const char *name, char *msg,
		    size_t size)
{
	char err[200] = "";
	if (!h || !h->theme) {
		snprintf(msg, size, "themes are not available");
		return -1;
	}
	if (h->theme(h->arg, name, err, sizeof(err)) < 0) {
		snprintf(msg, size, "theme: %s", err);
		return -1;
	}
	snprintf(msg, size, "%s", err);
	return 0;
}

void wf_screen_clear(void)
{
	clearok(curscr, TRUE);
	werase(stdscr);
	wnoutrefresh(stdscr);
}

int wf_screen_export(const struct wf_screen_hooks *h, const char *incident_id,
		     const char *format, const char *path, char *msg, size_t size)
{
	if (!h || !h->export) {
		snprintf(msg, size, "export: not available here");
		return -1;
	}
	return h->export(h->arg, incident_id, format, path, msg, size);
}

int wf_screen_reload(const struct wf_screen_hooks *h, char *msg, size_t size)
{
	if (!h || !h->reload) {
		snprintf(msg, size, "reload is not available here");
		return -1;
	}
	return h->reload(h->arg, msg, size);
}
