/* validate.c - format checks of the wire contract and RFC 3339 time conversion. */
#include "validate.h"

#include <stdio.h>
#include <string.h>

static bool id_chars(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			  c == ':' || c == '-';
		if (!ok || n >= max)
			return false;
	}
	return n > 0;
}

bool wf_valid_id(const char *s)
{
	return s && id_chars(s, 64);
}

bool wf_valid_idempotency_key(const char *s)
{
	return s && id_chars(s, 128);
}

bool wf_valid_tier(const char *s)
{
	size_t n = 0;
	if (!s)
		return false;
	for (; s[n]; n++) {
		if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_') || n >= 32)
			return false;
	}
	return n > 0;
}

static bool lower_hex(const char *s, size_t *len)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	*len = n;
	return true;
}

bool wf_valid_hash(enum wf_hash_type type, const char *value)
{
	size_t n;
	if (!value || !lower_hex(value, &n))
		return false;
	switch (type) {
	case WF_HASH_PDQ:
	case WF_HASH_SHA256:
		return n == 64;
	case WF_HASH_MD5:
	case WF_HASH_VIDEO_MD5:
		return n == 32;
	case WF_HASH_TMK:
		return n >= 2 && n <= 4096 && n % 2 == 0;
	case WF_HASH_VPDQ:
		return n >= 64 && n <= 4096 && n % 64 == 0;
	case WF_HASH__COUNT:
		break;
	}
	return false;
}

bool wf_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned min;
		unsigned cp;
		if (c < 0x80) {
			if (c == 0)
				return false;
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			need = 1, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2, min = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += need + 1;
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool wf_time_parse(const char *s, int64_t *out_ms)
{
	int y, mo, d, h, mi, se;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) < 20)
		return false;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &se))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || se > 60)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return false;
	if (se == 60)
		se = 59; /* a leap second is held on the second before it */
	const char *p = s + 19;
	int ms = 0;
	if (*p == '.') {
		int nd = 0;
		p++;
		while (*p >= '0' && *p <= '9') {
			if (nd < 3)
				ms = ms * 10 + (*p - '0');
			nd++;
			p++;
		}
		if (nd == 0 || nd > 9)
			return false;
		for (; nd < 3; nd++)
			ms *= 10;
	}
	if (!((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') &&
	    strcmp(p, "+00:00") != 0)
		return false;
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out_ms = ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + ms;
	return true;
}

void wf_time_format(int64_t ms, char *buf, size_t size)
{
	int64_t secs = ms / 1000, rem = ms % 1000;
	int64_t z = secs / 86400 + 719468;
	int64_t sod = secs % 86400;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
		 (long long)y, m, d, (long long)(sod / 3600),
		 (long long)(sod / 60 % 60), (long long)(sod % 60), (long long)rem);
}
