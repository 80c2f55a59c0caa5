/* actions.c - the action table's lookups (see actions.h). */
#include <curses.h>

#include "actions.h"
#include "keymap.h"

#include <stdio.h>
#include <string.h>

#define WF_ACTION_ROW(N, S, K1, K2, K3, F, H)                                        \
	{WF_ACTION_##N, S, {K1, K2, K3}, F, H},
static const struct wf_action_def action_defs[] = {WF_ACTIONS(WF_ACTION_ROW)};

const struct wf_action_def *wf_action_def(enum wf_action a)
{
	if ((int)a < 0 || a >= WF_ACTION__COUNT)
		return NULL;
	return &action_defs[a];
}

enum wf_action wf_action_for_key(int key)
{
	return wf_keymap_action(wf_keymap_current(), key);
}

enum wf_action wf_action_by_name(const char *name)
{
	for (int a = 0; a < WF_ACTION__COUNT; a++)
		if (strcmp(action_defs[a].name, name) == 0)
			return (enum wf_action)a;
	if (strcmp(name, "q") == 0)
		return WF_ACTION_QUIT;
	return WF_ACTION_NONE;
}

bool wf_action_permitted(const struct wf_action_def *def, bool read_only, bool wall)
{
	if (!def)
		return false;
	if (wall && !(def->flags & WF_ACT_WALL))
		return false;
	return !((def->flags & WF_ACT_MUTATES) && read_only);
}

void wf_action_key_name(int key, char *out, size_t size)
{
	wf_key_name(key, out, size);
}
