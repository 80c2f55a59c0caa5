/* notify_seen.c - the notifier's memory of the model: an id -> record hash map
 * (open addressing, linear probing) whose sweep drops the ids the last pass did not
 * touch, so its size follows the model's caps however long the dashboard runs. */
#include "notify_internal.h"

#include <stdlib.h>
#include <string.h>

uint32_t seen_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void seen_init(struct seen_map *m)
{
	memset(m, 0, sizeof(*m));
	m->epoch = 1;
}

void seen_free(struct seen_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].id);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* Puts an existing slot into a table of capacity cap (a power of two). */
static void place(struct seen_slot *slots, size_t cap, const struct seen_slot *s)
{
	size_t i = seen_hash(s->id) & (cap - 1);
	while (slots[i].id)
		i = (i + 1) & (cap - 1);
	slots[i] = *s;
}

static int resize(struct seen_map *m, size_t cap)
{
	struct seen_slot *ns = calloc(cap, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].id)
			place(ns, cap, &m->slots[i]);
	free(m->slots);
	m->slots = ns;
	m->cap = cap;
	return 0;
}

struct seen_slot *seen_touch(struct seen_map *m, const char *id, bool *created)
{
	*created = false;
	if ((m->n + 1) * 2 > m->cap && resize(m, m->cap ? m->cap * 2 : 64) < 0)
		return NULL;
	size_t i = seen_hash(id) & (m->cap - 1);
	while (m->slots[i].id) {
		if (strcmp(m->slots[i].id, id) == 0) {
			m->slots[i].epoch = m->epoch;
			return &m->slots[i];
		}
		i = (i + 1) & (m->cap - 1);
	}
	char *copy = strdup(id);
	if (!copy)
		return NULL;
	memset(&m->slots[i], 0, sizeof(m->slots[i]));
	m->slots[i].id = copy;
	m->slots[i].epoch = m->epoch;
	m->n++;
	*created = true;
	return &m->slots[i];
}

void seen_sweep(struct seen_map *m)
{
	size_t live = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].id && m->slots[i].epoch == m->epoch)
			live++;
	if (live != m->n) {
		/* Removal breaks probe chains: rebuild with what is left. Out of
		 * memory, keep everything until the next sweep. */
		size_t cap = m->cap;
		while (cap > 64 && live * 8 < cap)
			cap /= 2;
		struct seen_slot *ns = calloc(cap, sizeof(*ns));
		if (ns) {
			for (size_t i = 0; i < m->cap; i++) {
				if (!m->slots[i].id)
					continue;
				if (m->slots[i].epoch == m->epoch)
					place(ns, cap, &m->slots[i]);
				else
					free(m->slots[i].id);
			}
			free(m->slots);
			m->slots = ns;
			m->cap = cap;
			m->n = live;
		}
	}
	m->epoch++;
}
