/* table.c - id hash map and dense entry table used by the model. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

bool wf_idmap_init(struct wf_idmap *m, size_t max_entries)
{
	size_t cap = 16;
	while (cap < max_entries * 2 + 2)
		cap <<= 1;
	m->keys = calloc(cap, sizeof(*m->keys));
	m->vals = calloc(cap, sizeof(*m->vals));
	m->mask = cap - 1;
	if (!m->keys || !m->vals) {
		wf_idmap_free(m);
		return false;
	}
	return true;
}

void wf_idmap_free(struct wf_idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

void wf_idmap_clear(struct wf_idmap *m)
{
	memset(m->keys, 0, (m->mask + 1) * sizeof(*m->keys));
}

static size_t slot_of(const struct wf_idmap *m, const char *key, bool *found)
{
	size_t i = hash_str(key) & m->mask;
	while (m->keys[i]) {
		if (strcmp(m->keys[i], key) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & m->mask;
	}
	*found = false;
	return i;
}

uint32_t wf_idmap_get(const struct wf_idmap *m, const char *key)
{
	bool found;
	size_t i = slot_of(m, key, &found);
	return found ? m->vals[i] : UINT32_MAX;
}

void wf_idmap_put(struct wf_idmap *m, const char *key, uint32_t val)
{
	bool found;
	size_t i = slot_of(m, key, &found);
	m->keys[i] = key;
	m->vals[i] = val;
}

void wf_idmap_del(struct wf_idmap *m, const char *key)
{
	bool found;
	size_t i = slot_of(m, key, &found);
	if (!found)
		return;
	/* Backward-shift: move later members of the probe run into the hole. */
	size_t hole = i, j = i;
	for (;;) {
		j = (j + 1) & m->mask;
		if (!m->keys[j])
			break;
		size_t home = hash_str(m->keys[j]) & m->mask;
		bool movable = hole <= j ? (home <= hole || home > j)
					 : (home <= hole && home > j);
		if (movable) {
			m->keys[hole] = m->keys[j];
			m->vals[hole] = m->vals[j];
			hole = j;
		}
	}
	m->keys[hole] = NULL;
}

bool wf_table_init(struct wf_table *t, size_t cap, void (*free_entry)(void *))
{
	memset(t, 0, sizeof(*t));
	t->items = calloc(cap ? cap : 1, sizeof(*t->items));
	t->cap = cap;
	t->free_entry = free_entry;
	if (!t->items || !wf_idmap_init(&t->map, cap)) {
		free(t->items);
		t->items = NULL;
		return false;
	}
	return true;
}

void wf_table_clear(struct wf_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->free_entry(t->items[i]);
	t->n = 0;
	if (t->map.keys)
		wf_idmap_clear(&t->map);
}

void wf_table_free(struct wf_table *t)
{
	if (t->items)
		wf_table_clear(t);
	free(t->items);
	wf_idmap_free(&t->map);
	memset(t, 0, sizeof(*t));
}

static const char *entry_id(void *entry)
{
	return *(char **)entry;
}

void *wf_table_get(const struct wf_table *t, const char *id)
{
	uint32_t i = wf_idmap_get(&t->map, id);
	return i == UINT32_MAX ? NULL : t->items[i];
}

bool wf_table_add(struct wf_table *t, void *entry)
{
	if (t->n >= t->cap)
		return false;
	t->items[t->n] = entry;
	wf_idmap_put(&t->map, entry_id(entry), (uint32_t)t->n);
	t->n++;
	return true;
}

void wf_table_remove_at(struct wf_table *t, size_t i)
{
	void *victim = t->items[i];
	wf_idmap_del(&t->map, entry_id(victim));
	t->n--;
	if (i != t->n) {
		t->items[i] = t->items[t->n];
		wf_idmap_put(&t->map, entry_id(t->items[i]), (uint32_t)i);
	}
	t->free_entry(victim);
}
