/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The a{sv} of org.freedesktop.DBus.Properties.GetAll, one property at a
 * time; see ctl.h.
 */

#include "ctl.h"

int ctl_read_properties(sd_bus_message *reply, CtlPropertyReader read, void *userdata)
{
	const char *name, *type;
	int r;

	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		r = sd_bus_message_read(reply, "s", &name);
		if (r >= 0)
			r = sd_bus_message_peek_type(reply, NULL, &type);
		if (r >= 0)
			r = sd_bus_message_enter_container(reply, 'v', type);
		if (r >= 0)
			r = read(reply, name, type, userdata);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}
