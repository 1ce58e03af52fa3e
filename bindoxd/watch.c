/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inotify on the policy and domain folders; see watch.h.
 */

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <glib.h>
#include "log.h"
#include "watch.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR)

struct Watch {
	sd_event *event;
	GPtrArray *sources;	/* sd_event_source * of the folders */
	sd_event_source *settle;	/* the pending timer, or NULL */
	WatchChanged changed;
	void *userdata;
};

static int watch_on_settled(sd_event_source *s, uint64_t usec, void *userdata)
{
	Watch *w = userdata;

	w->settle = sd_event_source_unref(w->settle);
	w->changed(w->userdata);
	return 0;
}

static int watch_on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata)
{
	Watch *w = userdata;
	int r;

	/* Only *.xml files count; editors' swap and backup files do not. */
	if (ev->len == 0 || !g_str_has_suffix(ev->name, ".xml"))
		return 0;

	/* (Re)start the settle timer. */
	if (w->settle) {
		r = sd_event_source_set_time_relative(w->settle, WATCH_SETTLE_USEC);
		if (r >= 0)
			r = sd_event_source_set_enabled(w->settle, SD_EVENT_ONESHOT);
	} else {
		r = sd_event_add_time_relative(w->event, &w->settle, CLOCK_MONOTONIC,
					       WATCH_SETTLE_USEC, 0, watch_on_settled, w);
	}
	if (r < 0) {
		/* Better an early reload than a missed one. */
		log_warning("folder watch: cannot arm the settle timer (%s)", strerror(-r));
		w->changed(w->userdata);
	}
	return 0;
}

static void watch_source_unref(gpointer p)
{
	sd_event_source_disable_unref(p);
}

int watch_new(sd_event *event, const char *const *dirs, WatchChanged changed, void *userdata,
	      Watch **out)
{
	Watch *w = g_new0(Watch, 1);
	size_t i;
	int r;

	w->event = sd_event_ref(event);
	w->sources = g_ptr_array_new_with_free_func(watch_source_unref);
	w->changed = changed;
	w->userdata = userdata;

	for (i = 0; dirs[i]; i++) {
		sd_event_source *s = NULL;

		r = sd_event_add_inotify(event, &s, dirs[i], WATCH_MASK, watch_on_inotify, w);
		if (r == -ENOENT || r == -ENOTDIR) {
			log_notice("folder %s does not exist: not watched", dirs[i]);
			continue;
		}
		if (r < 0) {
			watch_free(w);
			return r;
		}
		g_ptr_array_add(w->sources, s);
	}
	*out = w;
	return 0;
}

Watch *watch_free(Watch *w)
{
	if (!w)
		return NULL;
	g_ptr_array_unref(w->sources);
	sd_event_source_disable_unref(w->settle);
	sd_event_unref(w->event);
	g_free(w);
	return NULL;
}
