/* format.c - short human figures (see format.h). */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

void wf_fmt_duration(int64_t ms, char *out, size_t size)
{
	const char *sign = ms < 0 ? "-" : "";
	int64_t s = (ms < 0 ? -ms : ms) / 1000;
	if (s < 60)
		snprintf(out, size, "%s%llds", sign, (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%s%lldm", sign, (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, size, "%s%lldh%02lld", sign, (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%s%lldd", sign, (long long)(s / 86400));
}

void wf_fmt_count(double n, char *out, size_t size)
{
	if (!isfinite(n))
		snprintf(out, size, "-");
	else if (fabs(n) < 1000)
		snprintf(out, size, "%.0f", n);
	else if (fabs(n) < 99950)
		snprintf(out, size, "%.1fk", n / 1e3);
	else if (fabs(n) < 999500)
		snprintf(out, size, "%.0fk", n / 1e3);
	else
		snprintf(out, size, "%.1fM", n / 1e6);
}

void wf_fmt_clock(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, size, "--:--:--");
		return;
	}
	snprintf(out, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void wf_fmt_percent(double frac, char *out, size_t size)
{
	if (!(frac >= 0))
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.0f%%", frac * 100.0);
}
