/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_WATCH_H
#define BINDOXD_WATCH_H

/*
 * Watches folders of XML files (the policy's, the domains') with inotify
 * (through sd-event) and calls back once a burst of changes to *.xml files
 * has settled, so that an editor's save (write a temporary file, rename it
 * over) triggers one reload.
 */

#include <systemd/sd-event.h>

/* How long the folders must stay quiet before the callback runs. */
#define WATCH_SETTLE_USEC (200 * 1000ULL)

typedef struct Watch Watch;
typedef void (*WatchChanged)(void *userdata);

/*
 * Watches each of @dirs (NULL-terminated; missing folders are logged and
 * skipped: bindoxd does not create them).
 */
int watch_new(sd_event *event, const char *const *dirs, WatchChanged changed, void *userdata,
	      Watch **out);
Watch *watch_free(Watch *w);

#endif /* BINDOXD_WATCH_H */
